//! `anju serve`: the web application.

use super::*;

pub(super) async fn serve(s: &Settings, listen: &str) -> anyhow::Result<u8> {
    let store = open(s).await?;
    serve_store(store, listen, s, false).await
}

pub(super) async fn serve_store(
    store: Store,
    listen: &str,
    s: &Settings,
    demo: bool,
) -> anyhow::Result<u8> {
    let lang = s.lang;
    let mut web = anju_web::WebSettings::new(s.policy.clone(), s.reference_year);
    web.demo = demo;
    web.map_tiles = s.map_tiles.clone();
    web.id_key = Some(s.id_key()?);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("无法监听 / cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    println!("{}http://{addr}/", lang.pick("服务已启动：", "serving at "));
    println!("{}", lang.pick("按 Ctrl+C 停止", "press Ctrl+C to stop"));
    anju_web::launch_with_listener(store, web, listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(exit::OK)
}
