//! `chuda-bench-load memory`: peak memory of the paths that used to grow with the data —
//! exporting every member of a 1M-user segment, and an NDJSON import that keeps adding
//! attribute keys (refused past `MAX_ATTRIBUTES` before anything is written).

use super::console::{everyone, reset_peak, rss, seed, start_server, Session};
use std::time::Instant;

pub async fn run() -> anyhow::Result<()> {
    let users: u64 = super::flag("--users").and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let keys: usize = super::flag("--keys").and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let (app, dir) = start_server(|_| {}).await?;
    println!("seeding {users} users …");
    seed(&app, users).await?;
    let s = Session::new(&app).await?;
    let seg = everyone(&s).await?;
    let path = format!("/api/segments/{seg}/members.csv?columns=name");
    // The first export also loads the segment index (the universe and the `name` column, a
    // dictionary of 1M distinct strings); the second shows what the export itself costs.
    for run in ["first (loads the segment index)", "second (index warm)"] {
        let (before, _) = rss();
        reset_peak();
        let started = Instant::now();
        let (status, bytes) = s.drain(&path).await?;
        let (_, peak) = rss();
        println!(
            "export of {users} members, {run}: HTTP {status}, {:.1} MB in {:.1} s; RSS {before:.0} MiB before, \
             peak {peak:.0} MiB (+{:.0} MiB)",
            bytes as f64 / 1e6,
            started.elapsed().as_secs_f64(),
            peak - before
        );
    }
    let mut nd = Vec::new();
    for i in 0..keys {
        nd.extend_from_slice(format!("{{\"user_id\":\"k{i}\",\"attr_{i}\":{i}}}\n").as_bytes());
    }
    let (before, _) = rss();
    reset_peak();
    let boundary = "chudaBenchKeys";
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"keys.ndjson\"\r\n\r\n")
            .into_bytes();
    body.extend_from_slice(&nd);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = s
        .http
        .post(format!("{}/api/users/import", s.base))
        .header("Cookie", &s.cookie)
        .header("Accept", "application/json")
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await?;
    let status = res.status().as_u16();
    let text = res.text().await?;
    let (_, peak) = rss();
    let attrs = engine::users::attribute_types(&app.state.db).await?.len();
    println!(
        "NDJSON import with {keys} attribute keys: HTTP {status} {text}; attributes now {attrs} (limit {}); \
         RSS {before:.0} MiB before, peak {peak:.0} MiB (+{:.0} MiB)",
        engine::users::import::MAX_ATTRIBUTES,
        peak - before
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
