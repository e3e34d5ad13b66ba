//! Team assignment at provincial scale: the rule of SPEC §10 ("least loaded
//! first, uniform among equals, in canonical order") without scanning every
//! inspector for every slot.
//!
//! Each slot's pool (the qualified inspectors of its department, or all
//! qualified inspectors) is kept as load levels; each level is a Fenwick
//! tree over the pool's canonical order, with one more tree per value of the
//! cross-area attribute (异地交叉检查). For a slot, the lowest level that has
//! a candidate is found by counting (level − same-area group − the few
//! explicit exclusions), and the r-th candidate by binary search on prefix
//! counts: O(log² m) per slot instead of O(m). The candidates, their order
//! and the stream consumed are exactly those of the plain rule, which
//! `draw.rs` keeps as the reference (and for the detailed error when a slot
//! cannot be filled); a property test holds the two equal.

use crate::draw::Stream;
use crate::input::directory::{Entity, Inspector};
use crate::spec::hash::Digest32;
use crate::spec::task::Task;
use std::collections::{BTreeMap, HashMap};

/// A Fenwick (binary indexed) tree of counts over positions `0..n`.
#[derive(Clone)]
struct Fenwick {
    tree: Vec<u32>,
    total: u32,
}

impl Fenwick {
    fn new(n: usize) -> Fenwick {
        Fenwick {
            tree: vec![0; n + 1],
            total: 0,
        }
    }

    fn add(&mut self, i: usize, delta: i32) {
        self.total = (self.total as i32 + delta) as u32;
        let mut i = i + 1;
        while i < self.tree.len() {
            self.tree[i] = (self.tree[i] as i32 + delta) as u32;
            i += i & i.wrapping_neg();
        }
    }

    /// Count of marked positions `< i`.
    fn prefix(&self, i: usize) -> u32 {
        let mut i = i;
        let mut s = 0;
        while i > 0 {
            s += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        s
    }
}

/// The members of one pool at one load level.
struct Level {
    all: Fenwick,
    /// Per cross-area value id, its members at this level.
    by_value: HashMap<u32, Fenwick>,
}

/// One slot type's pool of inspectors.
struct Pool {
    /// Pool-local position → inspector index (canonical order).
    members: Vec<u32>,
    /// Inspector index → pool-local position.
    local: HashMap<u32, usize>,
    levels: BTreeMap<u64, Level>,
}

/// The outcome the caller needs: the teams, or "a slot could not be filled"
/// (the caller then runs the plain rule for the detailed error).
pub(crate) enum Assigned {
    Teams(Vec<Vec<u32>>),
    Unfilled,
}

/// Assigns teams as SPEC §10 says, fast; `None` when the task has more than
/// one cross-area rule (the plain rule handles it).
pub(crate) fn assign(
    task: &Task,
    inspectors: &[Inspector],
    qualified: &[bool],
    drawn: &[&Entity],
    draw_key: &Digest32,
) -> Option<Assigned> {
    if task.team.avoid_same.len() > 1 {
        return None;
    }
    let rule = task.team.avoid_same.first();
    // Intern the inspectors' cross-area values.
    let mut values: HashMap<&str, u32> = HashMap::new();
    let value_of: Vec<Option<u32>> = inspectors
        .iter()
        .map(|i| {
            let r = rule?;
            let v = i.attribute(&r.inspector)?;
            let n = values.len() as u32;
            Some(*values.entry(v).or_insert(n))
        })
        .collect();
    // Slots and their pools.
    let slot_pool: Vec<usize>;
    let mut pools: Vec<Pool>;
    let pool_of = |members: Vec<u32>| Pool {
        local: members.iter().enumerate().map(|(p, &i)| (i, p)).collect(),
        members,
        levels: BTreeMap::new(),
    };
    if task.team.per_department.is_empty() {
        let members: Vec<u32> = (0..inspectors.len() as u32)
            .filter(|&i| qualified[i as usize])
            .collect();
        pools = vec![pool_of(members)];
        slot_pool = vec![0; task.team.size as usize];
    } else {
        pools = Vec::new();
        let mut slots = Vec::new();
        for (p, d) in task.team.per_department.iter().enumerate() {
            let members: Vec<u32> = (0..inspectors.len() as u32)
                .filter(|&i| {
                    qualified[i as usize] && inspectors[i as usize].department == d.department
                })
                .collect();
            pools.push(pool_of(members));
            slots.extend(std::iter::repeat_n(p, d.count as usize));
        }
        slot_pool = slots;
    }
    // Everyone starts at load 0.
    for pool in &mut pools {
        let n = pool.members.len();
        let mut level = Level {
            all: Fenwick::new(n),
            by_value: HashMap::new(),
        };
        for (p, &i) in pool.members.iter().enumerate() {
            level.all.add(p, 1);
            if let Some(v) = value_of[i as usize] {
                level
                    .by_value
                    .entry(v)
                    .or_insert_with(|| Fenwick::new(n))
                    .add(p, 1);
            }
        }
        if n > 0 {
            pool.levels.insert(0, level);
        }
    }
    let mut load = vec![0u64; inspectors.len()];
    // Explicit conflicts by entity.
    let mut conflicts: HashMap<&str, Vec<u32>> = HashMap::new();
    if !task.team.conflicts.is_empty() {
        let by_id: HashMap<&str, u32> = inspectors
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.as_str(), i as u32))
            .collect();
        for c in &task.team.conflicts {
            if let Some(&i) = by_id.get(c.inspector.as_str()) {
                conflicts.entry(c.entity.as_str()).or_default().push(i);
            }
        }
    }
    let cap = task.team.max_per_inspector;
    let mut teams = Vec::with_capacity(drawn.len());
    for e in drawn {
        let mut stream = Stream::new(draw_key, &e.id);
        let entity_value: Option<u32> = rule
            .and_then(|r| e.attribute(&r.entity))
            .and_then(|v| values.get(v).copied());
        // An entity value no inspector has excludes nobody.
        let explicit: &[u32] = conflicts.get(e.id.as_str()).map_or(&[], |v| v.as_slice());
        let mut team: Vec<u32> = Vec::with_capacity(slot_pool.len());
        for &p in &slot_pool {
            let pool = &mut pools[p];
            // The few explicitly excluded members of this pool, outside the
            // entity's cross-area group (which is subtracted as a whole).
            let mut others: Vec<(usize, u64)> = explicit
                .iter()
                .chain(team.iter())
                .filter(|&&i| entity_value.is_none() || value_of[i as usize] != entity_value)
                .filter_map(|&i| pool.local.get(&i).map(|&lp| (lp, load[i as usize])))
                .collect();
            others.sort_unstable();
            others.dedup();
            let mut chosen: Option<(u64, usize)> = None;
            for (&lvl, level) in &pool.levels {
                if cap.is_some_and(|c| lvl >= c) {
                    break;
                }
                let group = entity_value.and_then(|v| level.by_value.get(&v));
                let here: Vec<usize> = others.iter().filter(|o| o.1 == lvl).map(|o| o.0).collect();
                let count = level.all.total - group.map_or(0, |g| g.total) - here.len() as u32;
                if count == 0 {
                    continue;
                }
                let r = stream.uniform(u64::from(count)) as u32;
                // The smallest position i with candidates(0..=i) > r.
                let candidates_before = |i: usize| -> u32 {
                    level.all.prefix(i)
                        - group.map_or(0, |g| g.prefix(i))
                        - here.iter().filter(|&&h| h < i).count() as u32
                };
                let (mut lo, mut hi) = (0usize, pool.members.len());
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    if candidates_before(mid + 1) > r {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                chosen = Some((lvl, lo));
                break;
            }
            let Some((lvl, lp)) = chosen else {
                return Some(Assigned::Unfilled);
            };
            let i = pool.members[lp];
            // Move the inspector one level up.
            let n = pool.members.len();
            let v = value_of[i as usize];
            if let Some(level) = pool.levels.get_mut(&lvl) {
                level.all.add(lp, -1);
                if let Some(v) = v {
                    if let Some(g) = level.by_value.get_mut(&v) {
                        g.add(lp, -1);
                    }
                }
                if level.all.total == 0 {
                    pool.levels.remove(&lvl);
                }
            }
            let up = pool.levels.entry(lvl + 1).or_insert_with(|| Level {
                all: Fenwick::new(n),
                by_value: HashMap::new(),
            });
            up.all.add(lp, 1);
            if let Some(v) = v {
                up.by_value
                    .entry(v)
                    .or_insert_with(|| Fenwick::new(n))
                    .add(lp, 1);
            }
            load[i as usize] += 1;
            team.push(i);
        }
        teams.push(team);
    }
    Some(Assigned::Teams(teams))
}
