//! Asking one server about one URL, politely: HEAD first (no body to download), GET when the
//! server does not answer HEAD properly, redirects followed one by one so a permanent move can be
//! reported, a few retries with a growing pause, and `Retry-After` honoured on 429.

use serde::{Deserialize, Serialize};
use std::time::Duration;
use ureq::Agent;

/// What became of a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    /// The page answered (2xx), possibly after temporary redirects.
    Ok,
    /// The page answered after a permanent redirect (301, 308): the link should be updated.
    Moved {
        /// Where the redirects ended.
        location: String,
    },
    /// The page is gone (404, 410), possibly after redirects.
    Broken {
        /// The status.
        status: u16,
    },
    /// The server answered with something that says nothing about the link (401, 403, 5xx,
    /// 429 after all retries): could not check.
    Inconclusive {
        /// The status.
        status: u16,
    },
    /// No answer at all: name not found, connection refused, timeout, TLS failure.
    Unreachable {
        /// What went wrong, in words.
        reason: String,
    },
}

impl Outcome {
    /// Results worth keeping for a day; failures to check are tried again next time.
    pub fn is_definite(&self) -> bool {
        matches!(
            self,
            Outcome::Ok | Outcome::Moved { .. } | Outcome::Broken { .. }
        )
    }
}

/// How requests are made.
#[derive(Debug, Clone)]
pub struct Politeness {
    /// Limit for one request, connect to last header byte.
    pub timeout: Duration,
    /// Retries after a network failure, 5xx or 429.
    pub retries: u32,
    /// First pause between retries; doubled every time.
    pub backoff: Duration,
    /// Longest `Retry-After` waited for; a server asking for more is reported as busy.
    pub max_retry_after: Duration,
}

/// One shared HTTP client: no automatic redirects (they are followed by hand), statuses
/// returned as values rather than errors.
pub fn agent(timeout: Duration, user_agent: &str) -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout))
        .user_agent(user_agent)
        .build()
        .new_agent()
}

/// Checks one URL, retrying as [`Politeness`] allows.
pub fn probe(agent: &Agent, url: &str, polite: &Politeness) -> Outcome {
    let mut attempt = 0;
    loop {
        let (outcome, wait) = match attempt_once(agent, url) {
            Attempt::Done(outcome) => return outcome,
            Attempt::Again { outcome, wait } => (outcome, wait),
        };
        if attempt >= polite.retries {
            return outcome;
        }
        let pause = match wait {
            Some(asked) if asked > polite.max_retry_after => return outcome,
            Some(asked) => asked,
            None => polite.backoff * 2u32.saturating_pow(attempt),
        };
        std::thread::sleep(pause);
        attempt += 1;
    }
}

enum Attempt {
    Done(Outcome),
    /// Worth another try, after `wait` if the server said so.
    Again {
        outcome: Outcome,
        wait: Option<Duration>,
    },
}

/// Where a chain of redirects ended.
struct Chain {
    status: u16,
    location: String,
    permanent_redirect: bool,
    retry_after: Option<Duration>,
}

fn attempt_once(agent: &Agent, url: &str) -> Attempt {
    let chain = match follow(agent, "HEAD", url) {
        Ok(c) if c.status < 400 || c.status == 404 || c.status == 410 || c.status == 429 => Ok(c),
        // Some servers refuse or mishandle HEAD (405, 403, 501, dropped connection): ask with GET.
        Ok(_) | Err(Failure::Protocol(_)) => follow(agent, "GET", url),
        Err(e) => Err(e),
    };
    match chain {
        Err(Failure::Network(reason) | Failure::Protocol(reason)) => Attempt::Again {
            outcome: Outcome::Unreachable { reason },
            wait: None,
        },
        Ok(c) => match c.status {
            200..=399 if c.permanent_redirect => Attempt::Done(Outcome::Moved {
                location: c.location,
            }),
            200..=399 => Attempt::Done(Outcome::Ok),
            404 | 410 => Attempt::Done(Outcome::Broken { status: c.status }),
            429 | 500..=599 => Attempt::Again {
                outcome: Outcome::Inconclusive { status: c.status },
                wait: c.retry_after,
            },
            status => Attempt::Done(Outcome::Inconclusive { status }),
        },
    }
}

enum Failure {
    /// No answer: DNS, connect, timeout, TLS.
    Network(String),
    /// An answer that was not valid HTTP.
    Protocol(String),
}

const MAX_REDIRECTS: usize = 10;

fn follow(agent: &Agent, method: &str, url: &str) -> Result<Chain, Failure> {
    let mut current = url.to_string();
    let mut permanent_redirect = false;
    for _ in 0..=MAX_REDIRECTS {
        let response = match method {
            "HEAD" => agent.head(&current).call(),
            _ => agent.get(&current).call(),
        }
        .map_err(classify)?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        if (300..400).contains(&status)
            && let Some(location) = header("location")
        {
            // Only the first hop says whether the link as written has moved for good.
            if current == url {
                permanent_redirect = status == 301 || status == 308;
            }
            current = resolve(&current, &location);
            continue;
        }
        let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
        return Ok(Chain {
            status,
            location: current,
            permanent_redirect,
            retry_after,
        });
    }
    Err(Failure::Protocol(format!(
        "more than {MAX_REDIRECTS} redirects"
    )))
}

fn classify(err: ureq::Error) -> Failure {
    match err {
        ureq::Error::Timeout(_) => Failure::Network("the server did not answer in time".into()),
        ureq::Error::HostNotFound => Failure::Network("the host name was not found (DNS)".into()),
        ureq::Error::ConnectionFailed => Failure::Network("the connection failed".into()),
        ureq::Error::Io(e) => Failure::Network(format!("network error: {e}")),
        ureq::Error::Tls(e) => Failure::Network(format!("TLS error: {e}")),
        ureq::Error::BadUri(e) => Failure::Network(format!("the address is not a valid URL: {e}")),
        ureq::Error::Protocol(e) => Failure::Protocol(format!("invalid HTTP answer: {e}")),
        other => Failure::Network(other.to_string()),
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare for 429 and read as "no hint").
fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Resolves a `Location` header against the URL that sent it.
fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
    if let Some(net) = location.strip_prefix("//") {
        return format!("{scheme}://{net}");
    }
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..authority_end]);
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path = rest[authority_end..].split(['?', '#']).next().unwrap_or("");
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    format!("{origin}{dir}{location}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_like_a_browser() {
        let base = "https://a.fi/x/y?z=1";
        assert_eq!(resolve(base, "https://b.fi/"), "https://b.fi/");
        assert_eq!(resolve(base, "//c.fi/p"), "https://c.fi/p");
        assert_eq!(resolve(base, "/root"), "https://a.fi/root");
        assert_eq!(resolve(base, "rel"), "https://a.fi/x/rel");
        assert_eq!(resolve("http://a.fi", "p"), "http://a.fi/p");
    }

    #[test]
    fn retry_after_reads_seconds() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
    }
}
