//! What a draw needs from an entity directory, whatever holds it: the whole
//! directory in memory ([`EntityDirectory`]), or the compact index of a
//! provincial file ([`crate::EntityIndex`]), which keeps 40-odd bytes per
//! entity and reads back only the rows that are drawn.

use crate::input::directory::{Entity, EntityDirectory};
use crate::spec::hash::Digest32;
use crate::spec::task::{only_match, Task};
use crate::{Error, ErrorKind, Result};

/// Every entity's stratum (SPEC §5.1), by canonical position.
pub struct Strata {
    /// Per stratum, the canonical positions of its entities, ascending.
    pub members: Vec<Vec<u32>>,
    /// Entities that match no stratum.
    pub unstratified: u64,
}

/// An entity directory as the draw sees it. Positions are canonical: the
/// entity with the n-th smallest id has position n.
pub trait EntitySource: Sync {
    /// The number of entities.
    fn count(&self) -> usize;
    /// The directory digest (SPEC §3.4).
    fn directory_digest(&self) -> Digest32;
    /// Assigns every entity to its stratum.
    ///
    /// # Errors
    /// `OverlappingStrata` naming the entity and both strata.
    fn strata(&self, task: &Task) -> Result<Strata>;
    /// Writes the id of the entity at `pos` into `out` (cleared first).
    fn id_into(&self, pos: u32, out: &mut String);
    /// The ticket of the entity at `pos` in a stratum (SPEC §8); `scratch`
    /// is a buffer to reuse. A source may compute it without the id text.
    fn ticket_at(&self, pos: u32, stratum_key: &Digest32, scratch: &mut String) -> Digest32 {
        self.id_into(pos, scratch);
        crate::draw::ticket(stratum_key, scratch)
    }
    /// The position of an id, if the directory has it.
    fn position(&self, id: &str) -> Option<u32>;
    /// The entities at the given positions, in the given order: each with
    /// its id, its name and those of its attributes that `keep` accepts
    /// (the draw keeps only what its team rules look at; at provincial
    /// scale the rest of hundreds of thousands of rows is never needed).
    ///
    /// # Errors
    /// `Io` when rows must be read back from a file that cannot be read.
    fn entities_at(&self, positions: &[u32], keep: &dyn Fn(&str) -> bool) -> Result<Vec<Entity>>;
    /// Every entity with all its attributes, when the source holds them
    /// in memory (a compact index does not): what the pre-flight reads to
    /// find a stratum value that no entity has.
    fn in_memory(&self) -> Option<&[Entity]> {
        None
    }
}

/// The index of the stratum an entity matches, if any (SPEC §5.1).
pub(crate) fn stratum_of(task: &Task, e: &Entity) -> Result<Option<usize>> {
    let matches = task.strata.iter().map(|s| {
        s.conditions
            .iter()
            .all(|c| c.holds(e.attribute(&c.attribute).unwrap_or("").as_bytes()))
    });
    only_match(matches).map_err(|(first, second)| {
        let entity = format!("{} ({}, row {})", e.id, e.name, e.row);
        let entity_zh = format!("{}（{}，第 {} 行）", e.id, e.name, e.row);
        let (first, second) = (&task.strata[first].name, &task.strata[second].name);
        Error::new(
            ErrorKind::OverlappingStrata,
            format!(
                "the entity {entity} matches two strata, \"{first}\" and \"{second}\"; make the strata's conditions exclusive"
            ),
            format!(
                "检查对象 {entity_zh} 同时符合“{first}”和“{second}”两个分层；请修改分层条件，使每个检查对象只属于一个分层"
            ),
        )
    })
}

impl EntitySource for EntityDirectory {
    fn count(&self) -> usize {
        self.len()
    }

    fn directory_digest(&self) -> Digest32 {
        self.digest()
    }

    fn strata(&self, task: &Task) -> Result<Strata> {
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); task.strata.len()];
        let mut unstratified = 0u64;
        for (i, e) in self.entities().iter().enumerate() {
            let found = stratum_of(task, e)?;
            match found {
                Some(s) => members[s].push(i as u32),
                None => unstratified += 1,
            }
        }
        Ok(Strata {
            members,
            unstratified,
        })
    }

    fn id_into(&self, pos: u32, out: &mut String) {
        out.clear();
        out.push_str(&self.entities()[pos as usize].id);
    }

    fn in_memory(&self) -> Option<&[Entity]> {
        Some(self.entities())
    }

    fn position(&self, id: &str) -> Option<u32> {
        self.entities()
            .binary_search_by(|e| e.id.as_bytes().cmp(id.as_bytes()))
            .ok()
            .map(|i| i as u32)
    }

    fn entities_at(&self, positions: &[u32], keep: &dyn Fn(&str) -> bool) -> Result<Vec<Entity>> {
        Ok(positions
            .iter()
            .map(|&p| {
                let e = &self.entities()[p as usize];
                Entity {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    attributes: e
                        .attributes
                        .iter()
                        .filter(|(k, _)| keep(k))
                        .cloned()
                        .collect(),
                    row: e.row,
                }
            })
            .collect())
    }
}
