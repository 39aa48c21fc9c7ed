use super::dispatch::{DispatchConfig, Dispatcher, Providers};
use super::*;
use crate::provider::chuanglan::{Client, Provider};
use crate::provider::{ProviderError, SmsProvider};
use crate::segments::{self, Condition, Index, Op, Rule, SegmentInput};
use crate::settings::chuanglan::{Config, Credentials, Options};
use crate::users::import::{run, Encoding, Format, ImportOptions};
use crate::Db;
use simulator::chuanglan::{SimConfig, Simulator};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

struct Sim(String);

#[async_trait::async_trait]
impl Providers for Sim {
    async fn provider(&self, _c: &Campaign) -> Result<Arc<dyn SmsProvider>, ProviderError> {
        let config = Config {
            signature: "示例商城".into(),
            account: "N1234567".into(),
            host: self.0.trim_start_matches("http://").into(),
            plain_http: true,
            options: Options::default(),
        };
        let client = Client::with_timeout(Duration::from_secs(2));
        Ok(Arc::new(Provider { client, creds: Credentials { config, password: "sim-password".into() } }))
    }
}

struct World {
    _dir: tempfile::TempDir,
    db: Db,
    index: Index,
    sim: Simulator,
    segment: i64,
}

/// `n` users u0…, phones 1380000xxxx, every third without a `name`, user 5 sharing user 4's phone.
async fn world(n: usize) -> World {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::db::open(&dir.path().join("t.db")).await.expect("db");
    let mut csv = String::from("user_id,phone,name,city\n");
    for i in 0..n {
        let phone = if i == 5 { 13_800_000_004 } else { 13_800_000_000 + i as u64 };
        let name = if i % 3 == 0 { String::new() } else { format!("用户{i}") };
        csv.push_str(&format!("u{i},{phone},{name},上海\n"));
    }
    csv.push_str("nophone,,无号,上海\nbadphone,12345,坏号,上海\n");
    let opts = ImportOptions {
        format: Format::Csv,
        encoding: Encoding::Auto,
        types: HashMap::new(),
        file_name: "u.csv".into(),
        actor: "t".into(),
    };
    run(&db, Box::new(std::io::Cursor::new(csv.into_bytes())), opts).await.expect("import");
    let index = Index::default();
    let rule = Rule::All {
        rules: vec![Rule::Cond(Condition { attribute: "city".into(), op: Op::Eq, values: vec!["上海".into()] })],
    };
    let input = SegmentInput { name: "all".into(), rule: Some(rule), ..Default::default() };
    let (seg, _) = segments::create(&index, &db, &input, "t").await.expect("segment");
    let config = SimConfig { reports: false, ..SimConfig::default() };
    let sim = Simulator::start(([127, 0, 0, 1], 0).into(), config).await.expect("sim");
    World { _dir: dir, db, index, sim, segment: seg.id }
}

fn text_campaign(w: &World, fallback: Option<&str>) -> CampaignInput {
    CampaignInput {
        name: "双十一".into(),
        segment_id: w.segment,
        vendor: Vendor::Chuanglan,
        signature: "示例商城".into(),
        content: Content::Text("{$var}您好，会员日满100减20，拒收请回复R".into()),
        bindings: vec![Binding { attribute: "name".into(), fallback: fallback.map(String::from) }],
        scheduled_at: None,
        kind: crate::compliance::MessageKind::Marketing,
        window: Some(crate::compliance::Window::ALWAYS),
    }
}

fn dispatcher(w: &World, config: DispatchConfig) -> Arc<Dispatcher> {
    Dispatcher::new(w.db.clone(), Arc::new(Sim(w.sim.url())), config)
}

fn fast() -> DispatchConfig {
    DispatchConfig { rate_per_sec: 1_000_000.0, concurrency: 2, max_attempts: 3, backoff_ms: 1 }
}

async fn wait_for(w: &World, id: i64, status: Status) -> Campaign {
    for _ in 0..400 {
        let c = get(&w.db, id).await.expect("get").expect("campaign");
        if c.status == status {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("campaign {id} never reached {status:?}: {:?}", get(&w.db, id).await);
}

fn accepted_phones(sim: &Simulator) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for a in sim.accepted() {
        *seen.entry(a.phone).or_insert(0) += 1;
    }
    seen
}

#[tokio::test]
async fn reconciliation_counts_every_reason_a_member_gets_no_message() {
    let w = world(12).await;
    let c = create(&w.db, &text_campaign(&w, None), false, "t").await.expect("create");
    let (r, samples) = preview(&w.index, &w.db, &c, 3).await.expect("preview");
    // 14 members: nophone, badphone, u5 shares u4's phone, u0/u3/u6/u9 lack a name → 7 messages.
    assert_eq!(
        (r.members, r.no_phone, r.invalid_phone, r.duplicate_phone, r.missing_values, r.messages),
        (14, 1, 1, 1, 4, 7)
    );
    assert_eq!(samples[0].text, "【示例商城】用户1您好，会员日满100减20，拒收请回复R");
    assert_eq!((samples[0].phone_masked.as_str(), samples[0].units), ("138****0001", 1));
    let with_fallback = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    let (r, _) = preview(&w.index, &w.db, &with_fallback, 0).await.expect("preview");
    assert_eq!((r.missing_values, r.duplicate_phone, r.messages, r.units), (0, 1, 11, 11));
}

#[tokio::test]
async fn a_campaign_sends_each_phone_exactly_once_and_completes() {
    let w = world(2_500).await;
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    let r = start(&w.index, &w.db, c.id, "key-1").await.expect("start").expect("first start");
    assert_eq!(r.messages, 2_499, "u5 shares u4's phone");
    assert_eq!(start(&w.index, &w.db, c.id, "key-1").await.expect("again"), None, "same key: no second send");
    assert!(start(&w.index, &w.db, c.id, "key-2").await.is_err(), "another tab: refused");
    let d = dispatcher(&w, fast());
    d.spawn(c.id);
    d.spawn(c.id);
    wait_for(&w, c.id, Status::Completed).await;
    let seen = accepted_phones(&w.sim);
    assert_eq!(seen.len(), 2_499);
    assert!(seen.values().all(|n| *n == 1), "a phone was submitted twice");
    let p = progress(&w.db, c.id).await.expect("progress");
    assert_eq!((p.submitted, p.queued, p.failed, p.unknown), (2_499, 0, 0, 0));
    let received = w.sim.received();
    assert!(received.iter().all(|r| r.path == "/msg/variable/json"), "slots pick the variable endpoint");
    assert!(received.iter().all(|r| r.body["params"].as_str().map_or(0, |p| p.split(';').count()) <= 1_000));
}

#[tokio::test]
async fn retryable_refusals_are_retried_until_everything_is_submitted() {
    let w = world(300).await;
    w.sim.configure(|c| {
        c.failure_rates.insert("104".into(), 1.0);
    });
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    start(&w.index, &w.db, c.id, "k").await.expect("start");
    let d = dispatcher(&w, DispatchConfig { max_attempts: 50, ..fast() });
    d.spawn(c.id);
    for _ in 0..200 {
        let p = progress(&w.db, c.id).await.expect("p");
        if p.queued == 299 && w.sim.counts().0 > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let attempts: i64 = sqlx::query_scalar("SELECT MAX(attempts) FROM batches WHERE campaign_id = ?")
        .bind(c.id)
        .fetch_one(&w.db)
        .await
        .expect("attempts");
    assert!(attempts >= 1, "refused once, back in the queue with a backoff");
    w.sim.configure(|c| c.failure_rates.clear());
    wait_for(&w, c.id, Status::Completed).await;
    let seen = accepted_phones(&w.sim);
    assert_eq!((seen.len(), seen.values().all(|n| *n == 1)), (299, true));
    let retried: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempts a JOIN batches b ON b.id = a.batch_id WHERE b.campaign_id = ? AND a.code = '104'")
        .bind(c.id)
        .fetch_one(&w.db)
        .await
        .expect("count");
    assert!(retried > 0, "the simulator refused some requests");
}

#[tokio::test]
async fn a_credential_error_pauses_with_the_reason_and_resume_finishes() {
    let w = world(50).await;
    w.sim.configure(|c| c.password = "changed-at-vendor".into());
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    start(&w.index, &w.db, c.id, "k").await.expect("start");
    let d = dispatcher(&w, fast());
    d.spawn(c.id);
    let paused = wait_for(&w, c.id, Status::Paused).await;
    let reason = paused.status_reason.unwrap_or_default();
    assert!(reason.contains("[102]") && reason.contains("继续"), "{reason}");
    assert_eq!(progress(&w.db, c.id).await.expect("p").queued, 49, "nothing lost");
    w.sim.configure(|c| c.password = "sim-password".into());
    resume(&w.db, c.id).await.expect("resume");
    for _ in 0..100 {
        if !d.is_running(c.id) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    d.spawn(c.id);
    wait_for(&w, c.id, Status::Completed).await;
    assert_eq!(accepted_phones(&w.sim).len(), 49);
}

#[tokio::test]
async fn an_unknown_outcome_is_never_resent_and_a_crash_leaves_unknown_rows() {
    let w = world(20).await;
    w.sim.configure(|c| c.outage = true);
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    start(&w.index, &w.db, c.id, "k").await.expect("start");
    let d = dispatcher(&w, fast());
    d.spawn(c.id);
    wait_for(&w, c.id, Status::Completed).await;
    let p = progress(&w.db, c.id).await.expect("p");
    assert_eq!((p.unknown, p.submitted), (19, 0), "a 503 may have been accepted: not resent");
    assert_eq!(w.sim.counts().0, 0, "outage answers are not counted as requests");

    // A process that died between claim and answer leaves a `sending` request: recovery marks it
    // unknown.
    let c2 = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    start(&w.index, &w.db, c2.id, "k2").await.expect("start");
    sqlx::query("UPDATE batches SET status = 'sending' WHERE campaign_id = ?")
        .bind(c2.id)
        .execute(&w.db)
        .await
        .expect("simulate crash");
    let marked = d.recover().await.expect("recover");
    assert_eq!(marked, 19);
    w.sim.configure(|c| c.outage = false);
    d.kick().await.expect("kick");
    wait_for(&w, c2.id, Status::Completed).await;
    let p = progress(&w.db, c2.id).await.expect("p");
    assert_eq!((p.unknown, p.submitted), (19, 0), "an interrupted request is never resent");
    let why: String = sqlx::query_scalar("SELECT reason FROM messages WHERE campaign_id = ? LIMIT 1")
        .bind(c2.id)
        .fetch_one(&w.db)
        .await
        .expect("reason");
    assert!(why.contains("结果未知"), "{why}");
    assert_eq!(w.sim.counts().0, 0);
}

#[tokio::test]
async fn pause_and_cancel_stop_sending() {
    let w = world(4_000).await;
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    start(&w.index, &w.db, c.id, "k").await.expect("start");
    let d = dispatcher(&w, DispatchConfig { rate_per_sec: 2_000.0, concurrency: 1, ..fast() });
    d.spawn(c.id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    pause(&w.db, c.id, None).await.expect("pause");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let at_pause = w.sim.counts().1;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(w.sim.counts().1, at_pause, "nothing sent while paused");
    assert!(at_pause > 0 && at_pause < 3_999, "paused mid-way: {at_pause}");
    cancel(&w.db, c.id).await.expect("cancel");
    let p = progress(&w.db, c.id).await.expect("p");
    assert_eq!(
        (p.cancelled + p.submitted, p.submitted),
        (3_999, at_pause),
        "nothing is claimed while waiting for the rate limit"
    );
    assert!(resume(&w.db, c.id).await.is_err(), "a cancelled campaign cannot resume");
}

#[tokio::test]
async fn reports_settle_unknown_recipients_once_and_are_stored_once() {
    let w = world(30).await;
    w.sim.configure(|c| {
        c.reports = true;
        c.report_delay_ms = 0;
    });
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    start(&w.index, &w.db, c.id, "k").await.expect("start");
    let d = dispatcher(&w, fast());
    d.spawn(c.id);
    wait_for(&w, c.id, Status::Completed).await;
    // As if the answers had been lost: the vendor has the messages, we do not know it.
    sqlx::query("UPDATE batches SET status = 'unknown', msg_id = NULL WHERE campaign_id = ?")
        .bind(c.id)
        .execute(&w.db)
        .await
        .expect("forget");
    let unknown = progress(&w.db, c.id).await.expect("p").unknown;
    assert_eq!(unknown, 29);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (stored, settled) = d.pull_receipts().await.expect("pull");
    assert_eq!((stored, settled), (29, unknown), "every report stored, every unknown settled by its uid");
    let (msg_id, phone, status, report_time): (String, String, String, String) =
        sqlx::query_as("SELECT msg_id, phone, status, report_time FROM receipts LIMIT 1")
            .fetch_one(&w.db)
            .await
            .expect("stored");
    let twice = crate::provider::Report {
        msg_id,
        phone,
        status,
        status_desc: String::new(),
        report_time,
        notify_time: String::new(),
        uid: None,
        length: None,
    };
    assert_eq!(receipts::store(&w.db, &[twice]).await.expect("again"), (0, 0), "a repeated report changes nothing");
    assert_eq!(progress(&w.db, c.id).await.expect("p").unknown, 0);
    assert_eq!(accepted_phones(&w.sim).len(), 29, "nothing was resent to settle them");
}

#[tokio::test]
async fn a_report_before_its_submit_answer_is_kept_and_matched_later() {
    use crate::ledger::query::{page, Filter};
    use crate::ledger::status::Category;
    let w = world(6).await;
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    start(&w.index, &w.db, c.id, "k").await.expect("start");
    let early = crate::provider::Report {
        msg_id: "early-1".into(),
        phone: "13800000001".into(),
        status: "DELIVRD".into(),
        status_desc: String::new(),
        report_time: "2611251200".into(),
        notify_time: String::new(),
        uid: None,
        length: Some(1),
    };
    assert_eq!(receipts::store(&w.db, &[early]).await.expect("store"), (1, 0), "stored as an orphan");
    let filter = Filter { phone: Some("13800000001".into()), limit: 10, ..Default::default() };
    let before = page(&w.db, &filter, 3_600).await.expect("page");
    assert_eq!(before[0].category, Category::Queued, "no msgId yet: the report is not applied");
    // The submit answer is recorded afterwards with that msgId.
    sqlx::query("UPDATE batches SET status = 'submitted', msg_id = 'early-1', finished_at = 1 WHERE campaign_id = ?")
        .bind(c.id)
        .execute(&w.db)
        .await
        .expect("record");
    let after = page(&w.db, &filter, 3_600).await.expect("page");
    assert_eq!((after[0].category, after[0].report_status.as_deref()), (Category::Delivered, Some("DELIVRD")));
    let other = Filter { phone: Some("13800000002".into()), limit: 10, ..Default::default() };
    let timed_out = page(&w.db, &other, 3_600).await.expect("page");
    assert_eq!(timed_out[0].category, Category::Timeout, "submitted long ago without a report");
}

#[tokio::test]
async fn two_tabs_starting_at_the_same_moment_start_one_send() {
    let w = world(1_200).await;
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    let (a, b) = tokio::join!(start(&w.index, &w.db, c.id, "tab-a"), start(&w.index, &w.db, c.id, "tab-b"));
    let started = [&a, &b].iter().filter(|r| matches!(r, Ok(Some(_)))).count();
    assert_eq!(started, 1, "exactly one start snapshots the recipients: {a:?} / {b:?}");
    assert!(a.is_err() || b.is_err(), "the other tab is told the campaign is already sending");
    let d = dispatcher(&w, fast());
    d.spawn(c.id);
    wait_for(&w, c.id, Status::Completed).await;
    let seen = accepted_phones(&w.sim);
    assert_eq!(seen.len(), 1_199);
    assert!(seen.values().all(|n| *n == 1), "a phone was submitted twice");
}

#[tokio::test]
async fn a_permanent_refusal_fails_its_request_and_the_others_continue() {
    let w = world(6_000).await;
    w.sim.configure(|c| {
        c.failure_rates.insert("105".into(), 0.5);
        c.seed = 7;
    });
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    start(&w.index, &w.db, c.id, "k").await.expect("start");
    let d = dispatcher(&w, fast());
    d.spawn(c.id);
    let done = wait_for(&w, c.id, Status::Completed).await;
    let p = progress(&w.db, c.id).await.expect("progress");
    assert!(p.failed > 0 && p.submitted > 0, "some requests refused, the rest sent: {p:?}");
    assert_eq!(p.failed + p.submitted, done.planned.expect("planned"), "every phone accounted for");
    let failed_sizes: i64 =
        sqlx::query_scalar("SELECT COALESCE(SUM(size), 0) FROM batches WHERE campaign_id = ? AND status = 'failed'")
            .bind(c.id)
            .fetch_one(&w.db)
            .await
            .expect("sizes");
    assert_eq!(p.failed as i64, failed_sizes, "a refusal fails its whole request: {p:?}");
    let retries: i64 = sqlx::query_scalar("SELECT MAX(attempts) FROM batches WHERE campaign_id = ?")
        .bind(c.id)
        .fetch_one(&w.db)
        .await
        .expect("attempts");
    assert_eq!(retries, 1, "a permanent refusal is not retried");
    let any = sqlx::query_scalar::<_, String>(
        "SELECT reason FROM batches WHERE campaign_id = ? AND status = 'failed' LIMIT 1",
    )
    .bind(c.id)
    .fetch_one(&w.db)
    .await
    .expect("reason");
    assert!(any.contains("敏感词"), "the vendor's reason in Chinese is kept: {any}");
}

#[tokio::test]
async fn a_phone_suppressed_after_the_snapshot_is_taken_out_at_dispatch() {
    let w = world(30).await;
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    let r = start(&w.index, &w.db, c.id, "k").await.expect("start").expect("first");
    assert_eq!((r.messages, r.suppressed), (29, 0));
    // The reply lands between the snapshot and the claim: the claim transaction sees it.
    crate::compliance::suppress::add(&w.db, "13800000007", "reply", "chuanglan", "R", "").await.expect("add");
    let d = dispatcher(&w, fast());
    d.spawn(c.id);
    wait_for(&w, c.id, Status::Completed).await;
    let seen = accepted_phones(&w.sim);
    assert_eq!(seen.len(), 28);
    assert!(!seen.contains_key("13800000007"));
    let p = progress(&w.db, c.id).await.expect("progress");
    assert_eq!((p.submitted, p.suppressed, p.total()), (28, 1, 29));
    let rows = recipients_of(&w.db, "13800000007").await.expect("rows");
    assert_eq!(rows[0].status, "suppressed");
    assert!(rows[0].reason.as_deref().is_some_and(|r| r.contains("回复“R”退订")), "{rows:?}");
}

#[tokio::test]
async fn two_campaigns_share_the_daily_cap_and_notifications_are_not_capped() {
    let w = world(20).await;
    let policy = crate::compliance::Policy { daily_cap: 1, ..Default::default() };
    crate::compliance::save_policy(&w.db, &policy).await.expect("policy");
    let d = dispatcher(&w, fast());
    let a = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("a");
    let b = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("b");
    // Both snapshot before either sends, so planning sees no counts: dispatch must enforce it.
    start(&w.index, &w.db, a.id, "a").await.expect("start a");
    start(&w.index, &w.db, b.id, "b").await.expect("start b");
    d.spawn(a.id);
    d.spawn(b.id);
    wait_for(&w, a.id, Status::Completed).await;
    wait_for(&w, b.id, Status::Completed).await;
    let seen = accepted_phones(&w.sim);
    assert_eq!(seen.len(), 19);
    assert!(seen.values().all(|n| *n == 1), "one marketing message per phone and day: {seen:?}");
    let (pa, pb) = (progress(&w.db, a.id).await.expect("a"), progress(&w.db, b.id).await.expect("b"));
    assert_eq!((pa.submitted + pb.submitted, pa.capped + pb.capped), (19, 19));
    let mut note = text_campaign(&w, Some("会员"));
    note.kind = crate::compliance::MessageKind::Notification;
    note.content = Content::Text("{$var}您好，您的订单已发货".into());
    let n = create(&w.db, &note, false, "t").await.expect("n");
    start(&w.index, &w.db, n.id, "n").await.expect("start n");
    d.spawn(n.id);
    wait_for(&w, n.id, Status::Completed).await;
    assert_eq!(progress(&w.db, n.id).await.expect("n").submitted, 19, "notifications are not capped");
}

#[tokio::test]
async fn marketing_without_recorded_consent_is_left_out_when_the_policy_requires_it() {
    let w = world(12).await;
    let policy =
        crate::compliance::Policy { consent_attribute: "city".into(), require_consent: true, ..Default::default() };
    crate::compliance::save_policy(&w.db, &policy).await.expect("policy");
    let c = create(&w.db, &text_campaign(&w, Some("会员")), false, "t").await.expect("create");
    let (r, samples) = preview(&w.index, &w.db, &c, 3).await.expect("preview");
    assert_eq!((r.no_consent, r.messages), (11, 0), "city = 上海 is no consent");
    assert!(samples.is_empty());
    let mut note = text_campaign(&w, Some("会员"));
    note.kind = crate::compliance::MessageKind::Notification;
    note.content = Content::Text("{$var}您好，您的订单已发货".into());
    let n = create(&w.db, &note, false, "t").await.expect("n");
    let (r, _) = preview(&w.index, &w.db, &n, 0).await.expect("preview");
    assert_eq!((r.no_consent, r.messages), (0, 11), "notifications need no marketing consent");
}
