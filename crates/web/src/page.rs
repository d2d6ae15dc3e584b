//! What every page shares: the signed-in visitor ([`PageCaller`]), the frame around the content
//! ([`Chrome`]), the language and rendering. The pages themselves live in their features.

use crate::auth::{cookie, Caller};
use crate::error::ApiError;
use crate::AppState;
use anju_domain::{Lang, Scope};
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

pub(crate) const LANG_COOKIE: &str = "anju_lang";
pub(crate) const LOGIN_CSRF_COOKIE: &str = "anju_login_csrf";

/// The page a request came from, as a path of this site ("/" when there is none): the way back
/// after switching the language or from an error page, never to another host.
pub(crate) fn back_path(headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            r.find("://")
                .and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string()))
        })
        // Back to a path of this site only: "//host" would leave it.
        .filter(|p| !p.starts_with("//") && !p.contains('\\'))
        .unwrap_or_else(|| "/".into())
}

pub(crate) fn lang_of(parts: &Parts) -> Lang {
    lang_from_headers(&parts.headers)
}

/// What every page shows around its content.
pub struct Chrome {
    pub en: bool,
    pub signed_in: bool,
    pub admin: bool,
    pub user: String,
    pub scope_name: String,
    pub csrf: String,
}

impl Chrome {
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.en {
            en
        } else {
            zh
        }
    }
    /// An outcome's label in the page's language, from its key (as stored and in the API).
    pub fn outcome(&self, key: &str) -> String {
        anju_domain::Outcome::from_key(key)
            .unwrap_or_default()
            .label()
            .get(self.lang())
            .to_string()
    }
    /// A text in the page's language.
    pub fn say(&self, t: &anju_domain::Text) -> String {
        t.get(self.lang()).to_string()
    }
    /// A reserve-pool state's label in the page's language, from its key.
    pub fn pool_state(&self, key: &str) -> String {
        anju_domain::pool::PoolState::from_key(key)
            .map(|s| s.label().get(self.lang()).to_string())
            .unwrap_or_else(|| key.to_string())
    }
    /// The CSS class that colours an outcome: the same colours as the map's.
    pub fn outcome_class(&self, key: &str) -> &'static str {
        match key {
            "eligible" => "ok",
            "conditional" => "cond",
            "undetermined" => "tbd",
            _ => "bad",
        }
    }
    pub(crate) fn lang(&self) -> Lang {
        if self.en {
            Lang::En
        } else {
            Lang::Zh
        }
    }
}

/// A signed-in page visitor; anyone else is sent to the login page.
pub struct PageCaller {
    pub caller: Caller,
    pub chrome: Chrome,
}

impl FromRequestParts<AppState> for PageCaller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = match Caller::resolve(parts, state).await {
            Ok(Some(c)) if c.csrf.is_some() => c,
            Ok(_) => return Err(Redirect::to("/login").into_response()),
            Err(e) => return Err(e.into_response()),
        };
        let en = lang_of(parts) == Lang::En;
        let scope_name = match caller.account.scope {
            Scope::All => {
                if en {
                    "nationwide".to_string()
                } else {
                    "全国".to_string()
                }
            }
            Scope::Division(d) => caller.scope_name.clone().unwrap_or(d.to_string()),
        };
        let chrome = Chrome {
            en,
            signed_in: true,
            admin: caller.account.role.manages_accounts(),
            user: caller.account.display_name.clone(),
            scope_name,
            csrf: caller.csrf.clone().unwrap_or_default(),
        };
        Ok(PageCaller { caller, chrome })
    }
}

/// A page; a template that does not render shows as an error page.
pub(crate) fn render(t: &impl Template, status: StatusCode) -> Result<Response, ApiError> {
    let html = t.render().map_err(ApiError::internal)?;
    Ok((status, Html(html)).into_response())
}

pub(crate) fn anonymous(parts_lang: Lang) -> Chrome {
    Chrome {
        en: parts_lang == Lang::En,
        signed_in: false,
        admin: false,
        user: String::new(),
        scope_name: String::new(),
        csrf: String::new(),
    }
}

pub(crate) fn set_cookie(headers: &mut HeaderMap, value: String) {
    headers.append(
        header::SET_COOKIE,
        HeaderValue::from_str(&value).expect("ASCII cookie"),
    );
}

pub(crate) fn lang_from_headers(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|l| l.parse().ok())
        .unwrap_or_default()
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    pub csrf: String,
}

#[derive(Deserialize)]
pub(crate) struct DivisionParam {
    pub division: Option<String>,
}

/// An .xlsx file for the browser to save as `filename`.
pub(crate) fn xlsx_download(bytes: Vec<u8>, filename: &'static str) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    (headers, bytes).into_response()
}
