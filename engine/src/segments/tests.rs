use super::*;
use crate::users::import::{run, Encoding, Format, ImportOptions};
use std::collections::HashMap;

async fn seeded() -> (tempfile::TempDir, Db, Index) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::db::open(&dir.path().join("t.db")).await.expect("db");
    let csv = "user_id,phone,city,points,vip,signup\n\
               u1,13800138001,上海,100,true,2024-01-10\n\
               u2,13800138002,北京,250,false,2024-03-01\n\
               u3,,上海,300,true,2024-05-20\n\
               u4,13800138004,上海浦东,,,\n\
               u5,12345,广州,50,false,2023-12-31\n";
    let opts = ImportOptions {
        format: Format::Csv,
        encoding: Encoding::Auto,
        types: HashMap::new(),
        file_name: "seed.csv".into(),
        actor: "admin".into(),
    };
    run(&db, Box::new(std::io::Cursor::new(csv.as_bytes().to_vec())), opts).await.expect("import");
    (dir, db, Index::default())
}

fn c(attribute: &str, op: Op, values: &[&str]) -> Rule {
    Rule::Cond(Condition { attribute: attribute.into(), op, values: values.iter().map(|v| v.to_string()).collect() })
}

async fn ids(index: &Index, db: &Db, rule: Rule) -> Vec<String> {
    let (bits, _) = eval::evaluate(index, db, &rule).await.expect("evaluate");
    users_by_rowid(db, &bits.page(0, 100)).await.expect("users").into_iter().map(|m| m.user_id).collect()
}

#[tokio::test]
async fn each_operator_selects_the_expected_users() {
    let (_d, db, ix) = seeded().await;
    assert_eq!(ids(&ix, &db, c("city", Op::Eq, &["上海"])).await, ["u1", "u3"]);
    assert_eq!(ids(&ix, &db, c("city", Op::Ne, &["上海"])).await, ["u2", "u4", "u5"]);
    assert_eq!(ids(&ix, &db, c("city", Op::Contains, &["海"])).await, ["u1", "u3", "u4"]);
    assert_eq!(ids(&ix, &db, c("city", Op::StartsWith, &["上海浦"])).await, ["u4"]);
    assert_eq!(ids(&ix, &db, c("city", Op::In, &["北京", "广州"])).await, ["u2", "u5"]);
    assert_eq!(ids(&ix, &db, c("points", Op::Gt, &["100"])).await, ["u2", "u3"]);
    assert_eq!(ids(&ix, &db, c("points", Op::Between, &["300", "100"])).await, ["u1", "u2", "u3"]);
    assert_eq!(ids(&ix, &db, c("points", Op::NotSet, &[])).await, ["u4"], "missing values only match 无值");
    assert_eq!(ids(&ix, &db, c("points", Op::Ne, &["100"])).await, ["u2", "u3", "u5"]);
    assert_eq!(ids(&ix, &db, c("vip", Op::Eq, &["是"])).await, ["u1", "u3"]);
    assert_eq!(ids(&ix, &db, c("vip", Op::Ne, &["true"])).await, ["u2", "u5"]);
    assert_eq!(ids(&ix, &db, c("signup", Op::Before, &["2024-01-01"])).await, ["u5"]);
    assert_eq!(ids(&ix, &db, c("signup", Op::Eq, &["2024-03-01"])).await, ["u2"]);
    assert_eq!(ids(&ix, &db, c("signup", Op::After, &["2024/03/01 12:00"])).await, ["u3"]);
}

#[tokio::test]
async fn groups_nest_and_counts_split_out_valid_phones() {
    let (_d, db, ix) = seeded().await;
    let rule = Rule::All {
        rules: vec![
            c("city", Op::Contains, &["上海"]),
            Rule::Any { rules: vec![c("vip", Op::Eq, &["true"]), c("points", Op::NotSet, &[])] },
        ],
    };
    assert_eq!(ids(&ix, &db, rule.clone()).await, ["u1", "u3", "u4"]);
    assert_eq!(count(&ix, &db, &rule).await.expect("count"), Count { members: 3, with_phone: 2 });
    let everyone = Rule::All { rules: vec![] };
    assert_eq!(
        count(&ix, &db, &everyone).await.expect("count"),
        Count { members: 5, with_phone: 3 },
        "u5's phone is invalid"
    );
}

#[tokio::test]
async fn bad_conditions_are_explained_in_chinese() {
    let (_d, db, ix) = seeded().await;
    let err = |r: Rule| {
        let (ix, db) = (&ix, &db);
        async move { count(ix, db, &r).await.expect_err("must fail").to_string() }
    };
    assert!(err(c("nope", Op::Eq, &["x"])).await.contains("属性“nope”不存在"));
    assert!(err(c("points", Op::Gt, &["abc"])).await.contains("不是有效的数字"));
    assert!(err(c("points", Op::Between, &["1"])).await.contains("需要 2 个值"));
    assert!(err(c("city", Op::Gt, &["1"])).await.contains("文本属性只支持"));
    assert!(err(c("vip", Op::Eq, &["maybe"])).await.contains("是/否"));
}

fn more_csv() -> ImportOptions {
    ImportOptions {
        format: Format::Csv,
        encoding: Encoding::Auto,
        types: HashMap::new(),
        file_name: "more.csv".into(),
        actor: "admin".into(),
    }
}

#[tokio::test]
async fn imports_become_visible_after_invalidate() {
    let (_d, db, ix) = seeded().await;
    let rule = c("city", Op::Eq, &["广州"]);
    assert_eq!(count(&ix, &db, &rule).await.expect("count").members, 1);
    let opts = more_csv();
    run(&db, Box::new(std::io::Cursor::new(b"user_id,city\nu6,\xe5\xb9\xbf\xe5\xb7\x9e\n".to_vec())), opts)
        .await
        .expect("import");
    assert_eq!(count(&ix, &db, &rule).await.expect("count").members, 1, "cached until invalidated");
    ix.invalidate();
    assert_eq!(count(&ix, &db, &rule).await.expect("count").members, 2);
}

/// A count that read the universe before an import and loads its column after the
/// invalidation caches a column shorter than the new universe: it must not be served to
/// later counts (which used to index past its end).
#[tokio::test]
async fn a_column_loaded_for_a_shorter_user_range_is_not_reused() {
    let (_d, db, ix) = seeded().await;
    let before = ix.universe(&db).await.expect("universe");
    let mut csv = b"user_id,city\n".to_vec();
    for i in 0..200 {
        csv.extend_from_slice(format!("n{i},广州\n").as_bytes());
    }
    let opts = more_csv();
    run(&db, Box::new(std::io::Cursor::new(csv)), opts).await.expect("import");
    ix.invalidate();
    ix.column(&db, "city", before.len).await.expect("stale-length column");
    let rule = c("city", Op::Eq, &["广州"]);
    assert_eq!(count(&ix, &db, &rule).await.expect("count").members, 201);
}

#[tokio::test]
async fn rule_and_list_segments_are_stored_counted_and_paged() {
    let (_d, db, ix) = seeded().await;
    let input = SegmentInput {
        name: " 上海用户 ".into(),
        rule: Some(c("city", Op::Contains, &["上海"])),
        ..Default::default()
    };
    let (seg, _) = create(&ix, &db, &input, "admin").await.expect("create");
    assert_eq!((seg.name.as_str(), seg.kind), ("上海用户", SegmentKind::Rule));
    assert_eq!(seg.cached, Some(Count { members: 3, with_phone: 2 }));
    assert!(matches!(create(&ix, &db, &input, "admin").await, Err(SegmentError::Duplicate(_))));

    let (page_count, rows) = members_page(&ix, &db, &seg, 1, 1).await.expect("page");
    assert_eq!((page_count.members, rows[0].user_id.as_str()), (3, "u3"));

    let named = SegmentInput {
        name: "名单".into(),
        list: ["user_id", "u2", "u5", "ghost", "u2", "+86 138-0013-8004", "13900000000"].map(String::from).to_vec(),
        ..Default::default()
    };
    let (list_seg, unknown) = create(&ix, &db, &named, "admin").await.expect("create list");
    assert_eq!(
        (list_seg.kind, unknown),
        (SegmentKind::List, 2),
        "ghost and an unknown phone; header and repeat ignored"
    );
    assert_eq!(list_seg.cached, Some(Count { members: 3, with_phone: 2 }), "u2, u5 and u4 by phone");

    let renamed =
        SegmentInput { name: "上海".into(), rule: Some(c("city", Op::Eq, &["上海"])), ..Default::default() };
    assert_eq!(update(&ix, &db, seg.id, &renamed).await.expect("update").cached.map(|c| c.members), Some(2));
    assert_eq!(list(&db).await.expect("list").len(), 2);
    assert!(delete(&db, list_seg.id).await.expect("delete"));
    assert!(get(&db, list_seg.id).await.expect("get").is_none());
    let empty = SegmentInput { name: "空".into(), ..Default::default() };
    assert!(create(&ix, &db, &empty, "admin").await.expect_err("empty").to_string().contains("请添加条件"));
}

#[test]
fn keyset_pages_continue_after_the_last_row_id() {
    let bits = super::eval::Bits::from_ids(200, &[3, 63, 64, 65, 130, 199]);
    assert_eq!(bits.after(-1, 3), vec![3, 63, 64]);
    assert_eq!(bits.after(64, 10), vec![65, 130, 199]);
    assert_eq!(bits.after(63, 1), vec![64]);
    assert_eq!(bits.after(199, 10), Vec::<i64>::new());
}
