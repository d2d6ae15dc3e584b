//! Configuration: a TOML file (`--config`, else ./anju.toml when present) and `ANJU_` environment
//! variables; command-line flags win over both.

use crate::{Global, LogFormat};
use anju_domain::{Lang, Policy};
use anyhow::Context;
use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    /// Connections to the database each process keeps (see Store::connect_pool).
    pub database_pool: Option<u32>,
    pub policy: Option<PathBuf>,
    pub lang: Option<String>,
    /// The year eligibility is judged in (defaults to the current year).
    pub reference_year: Option<i32>,
    /// `[map]`: a tile server for the dashboard's map (see README).
    pub map: Option<anju_web::MapTiles>,
    /// The secret key that hashes resident ID numbers, 64 hex digits (`ANJU_ID_KEY`); else the
    /// file `id_key_file` holds it (default ./anju.key, created on first use). Every process of
    /// one database must share it.
    pub id_key: Option<String>,
    pub id_key_file: Option<PathBuf>,
}

/// What a command runs with.
pub struct Settings {
    pub database_url: String,
    pub database_pool: Option<u32>,
    pub lang: Lang,
    pub policy: Policy,
    pub reference_year: i32,
    pub map_tiles: Option<anju_web::MapTiles>,
    id_key: Option<String>,
    id_key_file: PathBuf,
}

impl Settings {
    /// The key that hashes resident ID numbers (see `FileConfig::id_key`).
    pub fn id_key(&self) -> anyhow::Result<anju_store::IdKey> {
        match &self.id_key {
            Some(hex) => anju_store::IdKey::from_hex(hex)
                .context("ANJU_ID_KEY 应为64位十六进制数 / ANJU_ID_KEY must be 64 hex digits"),
            None => anju_store::IdKey::load_or_create(&self.id_key_file).with_context(|| {
                format!(
                    "无法读取或创建密钥文件 / cannot read or create the key file {}",
                    self.id_key_file.display()
                )
            }),
        }
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://anju.db";

pub fn load(g: &Global, default_db: &str) -> anyhow::Result<Settings> {
    let mut fig = Figment::new();
    match &g.config {
        Some(p) => {
            anyhow::ensure!(
                p.exists(),
                "配置文件不存在 / config file not found: {}",
                p.display()
            );
            fig = fig.merge(Toml::file(p));
        }
        None if std::path::Path::new("anju.toml").exists() => {
            fig = fig.merge(Toml::file("anju.toml"))
        }
        None => {}
    }
    let file: FileConfig = fig
        .merge(Env::prefixed("ANJU_").only(&[
            "database_url",
            "database_pool",
            "policy",
            "lang",
            "reference_year",
            "id_key",
            "id_key_file",
        ]))
        .extract()
        .context("配置有误 / invalid configuration")?;
    let lang: Lang = g
        .lang
        .clone()
        .or(file.lang)
        .map(|l| l.parse())
        .transpose()
        .map_err(anyhow::Error::msg)?
        .unwrap_or_default();
    let policy = match g.policy.clone().or(file.policy) {
        Some(p) => {
            let text = std::fs::read_to_string(&p).with_context(|| {
                format!("无法读取政策文件 / cannot read policy {}", p.display())
            })?;
            Policy::from_toml(&text)?
        }
        None => Policy::national(),
    };
    let database_url = g
        .database_url
        .clone()
        .or(file.database_url)
        .unwrap_or_else(|| default_db.to_string());
    let reference_year = file
        .reference_year
        .unwrap_or_else(|| chrono::Datelike::year(&chrono::Utc::now()));
    if let Some(m) = &file.map {
        m.check()
            .map_err(|e| anyhow::anyhow!("配置有误 / invalid configuration: {e}"))?;
    }
    if file.database_pool == Some(0) {
        anyhow::bail!(
            "配置有误 / invalid configuration: database_pool 应大于0 / must be 1 or more"
        );
    }
    Ok(Settings {
        database_url,
        database_pool: file.database_pool,
        lang,
        policy,
        reference_year,
        map_tiles: file.map,
        id_key: file.id_key,
        id_key_file: file
            .id_key_file
            .unwrap_or_else(|| PathBuf::from("anju.key")),
    })
}

pub fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANJU_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("warn,anju=info,anju_web=info,anju_store=info")
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}
