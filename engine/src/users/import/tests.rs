use super::*;
use crate::users::{find_users, user_detail};

async fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::db::open(&dir.path().join("t.db")).await.expect("db");
    (dir, db)
}

fn opts(format: Format) -> ImportOptions {
    ImportOptions {
        format,
        encoding: Encoding::Auto,
        types: HashMap::new(),
        file_name: "t.csv".into(),
        actor: "admin".into(),
    }
}

async fn import(db: &Db, bytes: &[u8], format: Format) -> Result<ImportSummary, UsersError> {
    run(db, Box::new(std::io::Cursor::new(bytes.to_vec())), opts(format)).await
}

async fn attr(db: &Db, user: &str, name: &str) -> Option<String> {
    let d = user_detail(db, user).await.expect("q")?;
    d.attributes.into_iter().find(|(n, _, _)| n == name).map(|(_, _, v)| v.display())
}

#[tokio::test]
async fn a_csv_with_bom_quoted_commas_and_empty_values_imports() {
    let (_d, db) = db().await;
    let csv = "\u{feff}user_id,phone,city,points,vip\nu1,138 0013 8000,\"上海, 浦东\",1200,true\nu2,,北京,,false\n";
    let s = import(&db, csv.as_bytes(), Format::Csv).await.expect("import");
    assert_eq!((s.rows_ok, s.rows_bad, s.users_new, s.encoding.as_str()), (2, 0, 2, "UTF-8 (BOM)"));
    assert_eq!(attr(&db, "u1", "city").await.as_deref(), Some("上海, 浦东"));
    assert_eq!(attr(&db, "u1", "points").await.as_deref(), Some("1200"));
    assert_eq!(attr(&db, "u2", "points").await, None, "empty cells set nothing");
    assert_eq!(attr(&db, "u2", "vip").await.as_deref(), Some("否"));
    let types: Vec<(String, AttrType)> = s.attributes.iter().map(|(n, t, _)| (n.clone(), *t)).collect();
    assert!(
        types.contains(&("points".into(), AttrType::Number)) && types.contains(&("phone".into(), AttrType::String))
    );
    assert_eq!(find_users(&db, "13800138000", 5).await.expect("q")[0].0, "u1", "phone normalized");
    assert_eq!(find_users(&db, "8000", 5).await.expect("q")[0].0, "u1", "suffix search");
}

#[tokio::test]
async fn gbk_from_excel_is_detected() {
    let (_d, db) = db().await;
    let (bytes, _, _) = encoding_rs::GBK.encode("user_id,城市\nu1,广州\n");
    let s = import(&db, &bytes, Format::Csv).await.expect("import");
    assert_eq!(s.encoding, "GBK");
    assert_eq!(attr(&db, "u1", "城市").await.as_deref(), Some("广州"));
}

#[tokio::test]
async fn wrong_types_and_bad_rows_are_skipped_with_line_and_reason() {
    let (_d, db) = db().await;
    import(&db, b"user_id,points\nu1,5\n", Format::Csv).await.expect("first");
    let s = import(&db, b"user_id,points\nu2,abc\nu3,7,extra\n,9\nu4,8\n", Format::Csv).await.expect("second");
    assert_eq!((s.rows_ok, s.rows_bad), (1, 3));
    assert_eq!(s.bad_rows[0].line, 2);
    assert!(s.bad_rows[0].reason.contains("points") && s.bad_rows[0].reason.contains("应为数字"), "{:?}", s.bad_rows);
    assert!(s.bad_rows[1].reason.contains("列"), "{:?}", s.bad_rows[1]);
    assert_eq!(attr(&db, "u4", "points").await.as_deref(), Some("8"));
    assert_eq!(attr(&db, "u2", "points").await, None);
}

#[tokio::test]
async fn upserts_replace_given_values_and_keep_the_rest() {
    let (_d, db) = db().await;
    import(&db, b"user_id,city,level\nu1,SH,1\n", Format::Csv).await.expect("first");
    let s = import(&db, b"user_id,level,tag\nu1,2,new\nu1,3,\n", Format::Csv).await.expect("second");
    assert_eq!((s.users_new, s.duplicate_ids), (0, 1));
    assert_eq!(attr(&db, "u1", "city").await.as_deref(), Some("SH"), "untouched");
    assert_eq!(attr(&db, "u1", "level").await.as_deref(), Some("3"), "last row wins");
    assert_eq!(attr(&db, "u1", "tag").await.as_deref(), Some("new"), "new attribute added");
}

#[tokio::test]
async fn a_file_broken_mid_way_applies_nothing() {
    let (_d, db) = db().await;
    let mut bytes = b"user_id,city\n".to_vec();
    for i in 0..3000 {
        bytes.extend_from_slice(format!("u{i},SH\n").as_bytes());
    }
    bytes.extend_from_slice(b"u9999,\xff\xfe\n");
    let e = run(
        &db,
        Box::new(std::io::Cursor::new(bytes)),
        ImportOptions { encoding: Encoding::Utf8, ..opts(Format::Csv) },
    )
    .await;
    assert!(e.expect_err("fatal").to_string().contains("UTF-8"));
    assert_eq!(crate::users::repo::count_users(&db).await.expect("count"), 0, "rolled back");
    let status: String = sqlx::query_scalar("SELECT status FROM imports").fetch_one(&db).await.expect("row");
    assert_eq!(status, "failed");
}

#[tokio::test]
async fn empty_files_and_missing_id_columns_are_refused() {
    let (_d, db) = db().await;
    assert!(import(&db, b"", Format::Csv).await.expect_err("empty").to_string().contains("空"));
    assert!(import(&db, b"id,city\n1,x\n", Format::Csv).await.expect_err("no id").to_string().contains("user_id"));
}

#[tokio::test]
async fn ndjson_rows_import_with_typed_values() {
    let (_d, db) = db().await;
    let nd =
        "{\"user_id\":\"u1\",\"phone\":\"+86 13900139000\",\"points\":12}\nnot json\n{\"user_id\":2,\"vip\":true}\n";
    let s = import(&db, nd.as_bytes(), Format::Ndjson).await.expect("import");
    assert_eq!((s.rows_ok, s.rows_bad), (2, 1));
    assert_eq!(attr(&db, "u1", "points").await.as_deref(), Some("12"));
    assert_eq!(attr(&db, "2", "vip").await.as_deref(), Some("是"));
    assert_eq!(user_detail(&db, "u1").await.expect("q").expect("u1").phone.as_deref(), Some("13900139000"));
}

#[tokio::test]
async fn invalid_phones_are_counted_and_stored_as_missing() {
    let (_d, db) = db().await;
    let s = import(&db, b"user_id,phone\nu1,12345\nu2,13800138000\n", Format::Csv).await.expect("import");
    assert_eq!(s.phones_invalid, 1);
    assert_eq!(user_detail(&db, "u1").await.expect("q").expect("u1").phone, None);
}

#[tokio::test]
async fn a_phone_finds_its_current_user_only_after_it_changed_or_became_invalid() {
    let (_d, db) = db().await;
    import(&db, b"user_id,phone\nu1,13800138000\nu2,13900139000\n", Format::Csv).await.expect("first");
    let found = |q: &'static str| {
        let db = db.clone();
        async move { find_users(&db, q, 10).await.expect("find").into_iter().map(|(id, _)| id).collect::<Vec<_>>() }
    };
    assert_eq!(found("13800138000").await, ["u1"]);
    import(&db, b"user_id,phone\nu1,13700137000\nu2,12345\n", Format::Csv).await.expect("second");
    assert!(found("13800138000").await.is_empty(), "the old phone no longer finds u1");
    assert_eq!(found("13700137000").await, ["u1"]);
    assert!(found("13900139000").await.is_empty(), "an invalid phone clears the lookup");
    import(&db, b"user_id,phone\nu3,13800138000\n", Format::Csv).await.expect("third");
    assert_eq!(found("13800138000").await, ["u3"], "a phone passed on to another user finds the new owner");
}

/// A generated 200 MB CSV goes through the stream without being held in memory: every row
/// after the first has a wrong column count, so the work is reading, not writing.
#[tokio::test]
async fn a_200_mb_file_is_streamed() {
    struct Gen {
        left: usize,
        started: bool,
    }
    impl Read for Gen {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if !self.started {
                self.started = true;
                let h = b"user_id,a\nu0,1\n";
                buf[..h.len()].copy_from_slice(h);
                return Ok(h.len());
            }
            let line = b"u1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40\n";
            let n = (buf.len() / line.len()).min(self.left / line.len());
            for i in 0..n {
                buf[i * line.len()..(i + 1) * line.len()].copy_from_slice(line);
            }
            self.left -= n * line.len();
            Ok(n * line.len())
        }
    }
    let (_d, db) = db().await;
    let size = 200 * 1024 * 1024;
    let s = run(&db, Box::new(Gen { left: size, started: false }), opts(Format::Csv)).await.expect("import");
    assert_eq!(s.rows_ok, 1);
    assert!(s.rows_bad > 1_500_000, "{}", s.rows_bad);
    assert_eq!(s.bad_rows.len(), BAD_ROWS_KEPT, "the kept report is bounded");
}

#[tokio::test]
async fn an_apply_cut_short_is_completed_at_the_next_start() {
    let (dir, db) = db().await;
    let input = Box::new(std::io::Cursor::new(b"user_id,city\nu1,SH\nu2,BJ\n".to_vec()));
    let id = super::record::start_import(&db, &opts(Format::Csv)).await.expect("start");
    let (summary, manifest) = stage(&db, input, &opts(Format::Csv), id).await.expect("stage");
    assert!(manifest.file.starts_with(dir.path().join("staging")), "{:?}", manifest.file);
    let staged = serde_json::to_string(&manifest).expect("json");
    super::record::mark_applying(&db, id, &summary, &staged).await.expect("applying");
    // The process "dies" here: nothing applied yet; the next start finishes the import.
    assert_eq!(crate::users::repo::count_users(&db).await.expect("count"), 0);
    assert_eq!(resume(&db).await.expect("resume"), 1);
    assert_eq!(attr(&db, "u2", "city").await.as_deref(), Some("BJ"));
    let (status, new): (String, i64) = sqlx::query_as("SELECT status, users_new FROM imports WHERE id = ?")
        .bind(id)
        .fetch_one(&db)
        .await
        .expect("row");
    assert_eq!((status.as_str(), new), ("done", 2));
    assert!(!manifest.file.exists(), "the staging file is removed once applied");
}

#[tokio::test]
async fn an_import_stopped_while_reading_is_failed_at_the_next_start() {
    let (_d, db) = db().await;
    let id = super::record::start_import(&db, &opts(Format::Csv)).await.expect("start");
    resume(&db).await.expect("resume");
    let (status, error): (String, String) =
        sqlx::query_as("SELECT status, error FROM imports WHERE id = ?").bind(id).fetch_one(&db).await.expect("row");
    assert_eq!(status, "failed");
    assert!(error.contains("未应用"), "{error}");
}

#[tokio::test]
async fn too_many_attributes_are_refused_before_anything_is_written() {
    let (_d, db) = db().await;
    let mut nd = String::new();
    for i in 0..=MAX_ATTRIBUTES {
        nd.push_str(&format!("{{\"user_id\":\"u{i}\",\"k{i}\":1}}\n"));
    }
    let e = import(&db, nd.as_bytes(), Format::Ndjson).await.expect_err("refused");
    assert!(e.to_string().contains("属性数量超过上限"), "{e}");
    assert_eq!(crate::users::repo::count_users(&db).await.expect("count"), 0);
    let attrs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attributes").fetch_one(&db).await.expect("n");
    assert_eq!(attrs, 0, "no attribute is created by a refused file");
}

#[tokio::test]
async fn a_large_import_is_applied_in_many_short_transactions() {
    let (_d, db) = db().await;
    let mut csv = b"user_id,phone,level\n".to_vec();
    for i in 0..30_000 {
        csv.extend_from_slice(format!("u{i},138{i:08},{}\n", i % 7).as_bytes());
    }
    let s = import(&db, &csv, Format::Csv).await.expect("import");
    assert_eq!((s.rows_ok, s.users_new, s.users_updated), (30_000, 30_000, 0));
    let again = import(&db, &csv, Format::Csv).await.expect("again");
    assert_eq!((again.users_new, again.users_updated), (0, 30_000));
    assert_eq!(attr(&db, "u29999", "level").await.as_deref(), Some("4"));
}

#[tokio::test]
async fn a_line_longer_than_the_limit_is_refused_without_buffering_it() {
    let (_d, db) = db().await;
    let mut csv = b"user_id,note\nu1,".to_vec();
    csv.extend(std::iter::repeat_n(b'x', super::super::read::MAX_LINE + 10));
    csv.extend_from_slice(b"\n");
    let e = import(&db, &csv, Format::Csv).await.expect_err("refused");
    assert!(e.to_string().contains("超过 1 MB"), "{e}");
    assert_eq!(crate::users::repo::count_users(&db).await.expect("count"), 0);
}

/// An apply chunk can grow to `MAX_CHUNK` rows: one upsert of that many rows must stay under
/// SQLite's limit of bound variables per statement.
#[tokio::test]
async fn one_upsert_of_twenty_thousand_users_fits_sqlite_limits() {
    let (_d, db) = db().await;
    let rows: Vec<Pending> = (0..20_000).map(|i| (format!("u{i}"), Vec::new(), Some(format!("138{i:08}")))).collect();
    let mut tx = db.begin().await.expect("tx");
    let ids = super::super::repo::upsert_users(&mut tx, &rows).await.expect("upsert");
    tx.commit().await.expect("commit");
    assert_eq!(ids.len(), 20_000);
    assert_eq!(crate::users::repo::count_users(&db).await.expect("count"), 20_000);
}
