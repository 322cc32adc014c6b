//! Results of external link checks kept in a JSON file for a day, so running `check --external`
//! again (after fixing one link, say) does not ask every server again.

use super::probe::Outcome;
use crate::diagnostics::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How long a result stays valid.
pub const MAX_AGE_SECONDS: u64 = 24 * 60 * 60;

/// The cache file's content.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    /// Format version; a file of another version is ignored.
    pub version: u32,
    /// URL → when it was checked and what came out.
    pub entries: BTreeMap<String, Entry>,
}

/// One cached result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Seconds since the Unix epoch.
    pub checked: u64,
    /// The result.
    pub outcome: Outcome,
}

const VERSION: u32 = 1;

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Cache {
    /// Reads the cache; a missing, unreadable or old-format file is an empty cache.
    pub fn load(path: &Path) -> Cache {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str::<Cache>(&text).ok())
            .filter(|c| c.version == VERSION)
            .unwrap_or_default()
    }

    /// A result still fresh at `now`.
    pub fn get(&self, url: &str, now: u64) -> Option<&Outcome> {
        self.entries
            .get(url)
            .filter(|e| now.saturating_sub(e.checked) < MAX_AGE_SECONDS)
            .map(|e| &e.outcome)
    }

    /// Remembers a definite result; expired entries are dropped on the way.
    pub fn put(&mut self, url: &str, outcome: &Outcome, now: u64) {
        self.entries
            .retain(|_, e| now.saturating_sub(e.checked) < MAX_AGE_SECONDS);
        if outcome.is_definite() {
            self.entries.insert(
                url.to_string(),
                Entry {
                    checked: now,
                    outcome: outcome.clone(),
                },
            );
        }
    }

    /// Writes the cache (through a temporary file, so a crash never leaves half a file).
    pub fn save(&mut self, path: &Path) -> Result<(), Diagnostic> {
        self.version = VERSION;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Diagnostic::io(dir, "create folder", &e))?;
        }
        let text = serde_json::to_string_pretty(self).expect("cache serializes");
        let tmp = PathBuf::from(format!("{}.tmp", path.display()));
        std::fs::write(&tmp, text).map_err(|e| Diagnostic::io(&tmp, "write", &e))?;
        std::fs::rename(&tmp, path).map_err(|e| Diagnostic::io(path, "write", &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_after_a_day_and_failures_are_not_kept() {
        let mut cache = Cache::default();
        cache.put("https://a.fi/", &Outcome::Ok, 1000);
        cache.put(
            "https://b.fi/",
            &Outcome::Unreachable { reason: "x".into() },
            1000,
        );
        assert_eq!(cache.get("https://a.fi/", 1000 + 60), Some(&Outcome::Ok));
        assert_eq!(cache.get("https://a.fi/", 1000 + MAX_AGE_SECONDS), None);
        assert_eq!(cache.get("https://b.fi/", 1000), None);
    }
}
