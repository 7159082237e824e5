//! The capture's `Set-Cookie` lines stored into a jar once, in capture order, per site.
//!
//! Every flagged exchange needs the jar as it stood before its request. Replaying the earlier
//! lines into a fresh jar for each of them is quadratic in a capture of many failures (issue 8:
//! 2,000 401s with 40 cookies each). Instead each site keeps one jar that only moves forward:
//! exchange `i` advances it over the site's setters before `i` and reads the result, so every
//! line is parsed and stored once however many failures follow it.
//!
//! This module holds the state; the caller (`diagnose::cookies::facts`) decides how a setter's
//! lines are stored (its request context), through the closure of [`ReplayCache::advance`].

use crate::cookies::jar::{Jar, Rejection};
use std::collections::HashMap;
use std::rc::Rc;

/// Which replay a request reads: cookies of other sites never domain-match it, and the browser
/// settings change what a store accepts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReplayKey {
    /// The request's registrable domain (its host when it has none), lowercase.
    pub site: String,
    pub third_party_blocked: bool,
    pub third_party_partitioned: bool,
    pub lax_by_default: bool,
}

/// One site's jar and what its stores refused or deleted, as of exchange `upto`.
#[derive(Clone, Debug, Default)]
pub struct SiteReplay {
    /// Every setter before this exchange index has been stored.
    pub upto: usize,
    /// Position in the site's setter list of the next one to store.
    next: usize,
    /// Shared with the facts that read it; a store clones it only while a reader still holds it.
    pub jar: Rc<Jar>,
    /// Lines refused, in capture order: (exchange, cookie name, reason).
    pub rejections: Vec<(usize, String, Rejection)>,
    /// Lines that deleted a cookie (already expired on arrival), in capture order: (exchange, name).
    pub deletions: Vec<(usize, String)>,
}

/// The forward-only replays of one capture, built lazily.
#[derive(Debug, Default)]
pub struct ReplayCache {
    /// Site → its setters (exchanges whose response has `Set-Cookie`), in capture order.
    groups: Option<HashMap<String, Vec<usize>>>,
    sites: HashMap<ReplayKey, SiteReplay>,
    /// Exchanges stored so far (all sites): the work done, for tests and benchmarks.
    pub stores: usize,
}

impl ReplayCache {
    /// The replay of `key` advanced to exchange `index`. `setters` lists every exchange with
    /// `Set-Cookie` lines with its site key (computed once, on first use); `store(replay, i)`
    /// stores exchange `i`'s lines. Requests are expected in capture order; an earlier one than
    /// the replay has reached gets a replay of its own from the start (correct, not cached).
    pub fn advance(
        &mut self,
        key: ReplayKey,
        index: usize,
        setters: impl FnOnce() -> Vec<(usize, String)>,
        mut store: impl FnMut(&mut SiteReplay, usize),
    ) -> SiteReplay {
        let groups = self.groups.get_or_insert_with(|| {
            let mut g: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, site) in setters() {
                g.entry(site).or_default().push(i);
            }
            g
        });
        let list = groups.get(&key.site).map(Vec::as_slice).unwrap_or(&[]);
        let mut scratch = SiteReplay::default();
        let behind = self.sites.get(&key).is_some_and(|r| r.upto > index);
        let replay = if behind { &mut scratch } else { self.sites.entry(key).or_default() };
        while let Some(&i) = list.get(replay.next).filter(|&&i| i < index) {
            store(replay, i);
            self.stores += 1;
            replay.next += 1;
        }
        replay.upto = replay.upto.max(index);
        replay.clone_view()
    }
}

/// How many of the newest refusals and deletions a reader gets: the rules look for the latest
/// of a name, and a page must not make every failure copy thousands of them.
pub const HISTORY_SHOWN: usize = 256;

impl SiteReplay {
    /// What a reader keeps: the shared jar and the newest [`HISTORY_SHOWN`] refusals and
    /// deletions. Constant work, whatever the capture's size.
    fn clone_view(&self) -> SiteReplay {
        let tail = |n: usize| n.saturating_sub(HISTORY_SHOWN);
        SiteReplay {
            upto: self.upto,
            next: self.next,
            jar: Rc::clone(&self.jar),
            rejections: self.rejections.get(tail(self.rejections.len())..).unwrap_or(&[]).to_vec(),
            deletions: self.deletions.get(tail(self.deletions.len())..).unwrap_or(&[]).to_vec(),
        }
    }

    /// The jar, to store into (cloned first only while a reader still holds the old one).
    pub fn jar_mut(&mut self) -> &mut Jar {
        Rc::make_mut(&mut self.jar)
    }
}
