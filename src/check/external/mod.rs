//! `check --external`: asks the servers behind the site's external links whether the pages
//! still exist. Polite by design (see [`probe`]): at most two requests at a time to one host,
//! a skip list, and results cached for a day ([`cache`]). A link that could not be checked
//! (no network, a timeout, a server refusing robots) is a warning, never a broken link.

pub mod cache;
pub mod probe;

use crate::content::{Site, SourceFile};
use crate::diagnostics::Diagnostic;
use cache::Cache;
use probe::{Outcome, Politeness};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// How the external check runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Hosts and URL prefixes not to check.
    pub skip: Vec<String>,
    /// The cache file.
    pub cache_file: PathBuf,
    /// Request limits and retries.
    pub politeness: Politeness,
    /// Requests in flight to one host at most.
    pub per_host: usize,
    /// Requests in flight overall at most.
    pub workers: usize,
    /// Sent as `User-Agent`, so site owners see who is asking.
    pub user_agent: String,
}

impl Settings {
    /// Settings from the site's `[check]` config.
    pub fn from_site(site: &Site) -> Settings {
        let c = &site.config.check;
        Settings {
            skip: c.external_skip.clone(),
            cache_file: site.root.join(&c.external_cache),
            politeness: Politeness {
                timeout: Duration::from_secs(c.external_timeout_seconds.max(1)),
                retries: c.external_retries,
                backoff: Duration::from_millis(500),
                max_retry_after: Duration::from_secs(60),
            },
            per_host: 2,
            workers: 8,
            user_agent: format!(
                "kumppani-link-checker/{} (+{})",
                env!("CARGO_PKG_VERSION"),
                site.config.base_url
            ),
        }
    }
}

/// One place an external link is written.
struct Occurrence<'a> {
    file: &'a SourceFile,
    offset: usize,
}

/// Findings for every external link of the site, and how many distinct URLs were looked at.
pub fn check(site: &Site, settings: &Settings) -> (Vec<Diagnostic>, usize) {
    let links = collect(site, settings);
    let now = cache::now();
    let mut cache = Cache::load(&settings.cache_file);
    let mut outcomes: HashMap<String, Outcome> = HashMap::new();
    let mut to_ask = Vec::new();
    for url in links.keys() {
        match cache.get(url, now) {
            Some(o) => {
                outcomes.insert(url.clone(), o.clone());
            }
            None => to_ask.push(url.clone()),
        }
    }
    for (url, outcome) in ask_all(to_ask, settings) {
        cache.put(&url, &outcome, now);
        outcomes.insert(url, outcome);
    }
    let mut findings = Vec::new();
    if let Err(d) = cache.save(&settings.cache_file) {
        findings.push(
            Diagnostic::warning("cache", format!("results were not cached: {}", d.message))
                .with_hint("check that the site folder is writable, or set [check] external_cache to another file"),
        );
    }
    for (url, places) in &links {
        for place in places {
            if let Some(d) = finding(url, &outcomes[url]) {
                findings.push(
                    d.with_file(&place.file.display)
                        .at_offset(&place.file.source, place.offset),
                );
            }
        }
    }
    (findings, links.len())
}

/// External URLs (without `#fragment`, which is never sent) and where each is written.
fn collect<'a>(site: &'a Site, settings: &Settings) -> BTreeMap<String, Vec<Occurrence<'a>>> {
    let mut links: BTreeMap<String, Vec<Occurrence<'a>>> = BTreeMap::new();
    for doc in super::documents(site) {
        for (written, offset) in &doc.content.external_links {
            let url = written.split('#').next().unwrap_or(written);
            let url = match url.strip_prefix("//") {
                Some(rest) => format!("https://{rest}"),
                None => url.to_string(),
            };
            if is_skipped(&url, &settings.skip) {
                continue;
            }
            links.entry(url).or_default().push(Occurrence {
                file: doc.file,
                offset: *offset,
            });
        }
    }
    links
}

/// Lower-cased host of an http(s) URL.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.to_ascii_lowercase()
}

/// A skip entry with `://` is a URL prefix; otherwise a host that also covers its subdomains.
fn is_skipped(url: &str, skip: &[String]) -> bool {
    let host = host(url);
    let host = host.split(':').next().unwrap_or(&host);
    skip.iter().any(|entry| {
        if entry.contains("://") {
            url.starts_with(entry.as_str())
        } else {
            let entry = entry.trim().to_ascii_lowercase();
            host == entry || host.ends_with(&format!(".{entry}"))
        }
    })
}

/// Work shared by the worker threads: a queue per host and how many requests each has in flight.
struct Queue {
    hosts: HashMap<String, (VecDeque<String>, usize)>,
    unfinished: usize,
    results: Vec<(String, Outcome)>,
}

impl Queue {
    /// The next URL whose host has a free slot.
    fn take(&mut self, per_host: usize) -> Option<(String, String)> {
        let (host, (urls, active)) = self
            .hosts
            .iter_mut()
            .find(|(_, (urls, active))| !urls.is_empty() && *active < per_host)?;
        *active += 1;
        Some((host.clone(), urls.pop_front().expect("queue not empty")))
    }
}

/// Probes `urls` on a few threads, never more than `per_host` at once to one host.
fn ask_all(urls: Vec<String>, settings: &Settings) -> Vec<(String, Outcome)> {
    if urls.is_empty() {
        return Vec::new();
    }
    let mut hosts: HashMap<String, (VecDeque<String>, usize)> = HashMap::new();
    let total = urls.len();
    for url in urls {
        hosts.entry(host(&url)).or_default().0.push_back(url);
    }
    let state = Mutex::new(Queue {
        hosts,
        unfinished: total,
        results: Vec::with_capacity(total),
    });
    let wake = Condvar::new();
    let agent = probe::agent(settings.politeness.timeout, &settings.user_agent);
    std::thread::scope(|scope| {
        for _ in 0..settings.workers.min(total) {
            scope.spawn(|| {
                loop {
                    let (host, url) = {
                        let mut q = state.lock().expect("queue lock");
                        loop {
                            if q.unfinished == 0 {
                                return;
                            }
                            if let Some(job) = q.take(settings.per_host) {
                                break job;
                            }
                            q = wake.wait(q).expect("queue lock");
                        }
                    };
                    // A panic must not leave the other workers waiting for this URL forever.
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        probe::probe(&agent, &url, &settings.politeness)
                    }))
                    .unwrap_or_else(|_| Outcome::Unreachable {
                        reason: "internal error while checking".into(),
                    });
                    let mut q = state.lock().expect("queue lock");
                    if let Some(h) = q.hosts.get_mut(&host) {
                        h.1 -= 1;
                    }
                    q.unfinished -= 1;
                    q.results.push((url, outcome));
                    drop(q);
                    wake.notify_all();
                }
            });
        }
    });
    state.into_inner().expect("queue lock").results
}

fn finding(url: &str, outcome: &Outcome) -> Option<Diagnostic> {
    Some(match outcome {
        Outcome::Ok => return None,
        Outcome::Broken { status } => Diagnostic::error(
            "broken-external-link",
            format!("link to {url} is broken: the server answers {status} ({})", status_words(*status)),
        )
        .with_hint("find the page's new address (search the site it was on) and update the link, or remove it"),
        Outcome::Moved { location } => Diagnostic::warning(
            "moved-link",
            format!("{url} has moved permanently to {location}"),
        )
        .with_hint(format!("update the link to {location}")),
        Outcome::Inconclusive { status } => Diagnostic::warning(
            "external-unchecked",
            format!("could not check {url}: the server answered {status} ({})", status_words(*status)),
        )
        .with_hint("open the link in a browser to check it by hand; if the server always refuses checks, add its host to external_skip under [check]"),
        Outcome::Unreachable { reason } => Diagnostic::warning(
            "external-unreachable",
            format!("could not check {url}: {reason}"),
        )
        .with_hint("this is a network failure, not necessarily a broken link: try again later, or open the link in a browser"),
    })
}

fn status_words(status: u16) -> &'static str {
    match status {
        401 => "login required",
        403 => "forbidden",
        404 => "not found",
        410 => "gone",
        429 => "too many requests",
        500..=599 => "server error",
        _ => "unexpected answer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_entries_match_hosts_subdomains_and_prefixes() {
        let skip = vec![
            "example.fi".to_string(),
            "https://www.facebook.com/groups/".to_string(),
        ];
        assert!(is_skipped("https://example.fi/x", &skip));
        assert!(is_skipped("https://www.example.fi:8443/x", &skip));
        assert!(!is_skipped("https://notexample.fi/", &skip));
        assert!(is_skipped("https://www.facebook.com/groups/abc", &skip));
        assert!(!is_skipped("https://www.facebook.com/pages/abc", &skip));
    }
}
