//! Commits edits and publishes what they make. Writers queue their edits; whoever holds the
//! turn commits everything queued in one transaction (one sync to disk for many edits: group
//! commit), then publishes one snapshot and matcher with all of it, and hands every writer
//! its answer. Readers see the inventory before the batch or after it, never half of it.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, RwLock};

use super::{Batch, Change, Committed, Edit, Bilingual, Store, StoreError};
use crate::inventory::{LayerName, Snapshot, Space};
use crate::matcher::Matcher;

/// The inventory in force: the matcher, which holds its snapshot, so that a reader always
/// gets a snapshot and the matcher over it from one swap.
pub struct Published {
    current: RwLock<Arc<Matcher>>,
}

impl Published {
    /// Publishes `snapshot`, with a matcher over it.
    pub fn new(snapshot: Arc<Snapshot>) -> Published {
        Published { current: RwLock::new(Arc::new(Matcher::new(snapshot))) }
    }

    /// The matcher in force; its [`Matcher::snapshot`] is the snapshot in force.
    pub fn matcher(&self) -> Arc<Matcher> {
        // a poisoned lock still holds a complete Arc: a swap is a single assignment
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The snapshot in force.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.matcher().snapshot().clone()
    }

    /// Publishes `next` (as the next revision) and a matcher over it, in one swap. When
    /// `next` differs from the snapshot in force only in the statuses of `statuses_of`, the
    /// matcher is patched, not rebuilt.
    pub fn publish(&self, mut next: Snapshot, statuses_of: Option<&[(LayerName, String)]>) {
        // one publisher at a time (the writer's turn), so the matcher patched is the one in force
        let before = self.matcher();
        next.revision = before.snapshot().revision + 1;
        let next = Arc::new(next);
        let matcher = match statuses_of {
            Some(changed) => before.with_statuses(next, changed),
            None => Matcher::new(next),
        };
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(matcher);
    }
}

/// What one committed edit left.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The version and audit entry.
    pub committed: Committed,
    /// The space as it now is (none once deleted).
    pub space: Option<Space>,
}

/// The answer to one job: per edit, or the error that stopped an atomic job.
type Answer = Result<Vec<Result<Outcome, StoreError>>, StoreError>;

/// Where a job's answer is left for the writer that queued it.
#[derive(Default)]
struct Slot {
    answer: Mutex<Option<Answer>>,
    ready: Condvar,
}

struct Job {
    edits: Vec<Edit>,
    batch: Batch,
    slot: Arc<Slot>,
}

/// Commits queued edits in batches and publishes the result.
pub struct Writer {
    store: Arc<dyn Store>,
    published: Arc<Published>,
    queue: Mutex<Vec<Job>>,
    turn: Mutex<()>,
}

impl Writer {
    /// A writer committing to `store` and publishing to `published`.
    pub fn new(store: Arc<dyn Store>, published: Arc<Published>) -> Writer {
        Writer { store, published, queue: Mutex::new(Vec::new()), turn: Mutex::new(()) }
    }

    /// The store written to.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Commits `edits` (with others queued meanwhile) and returns once the snapshot holding
    /// them is published; an edit outside its actor's scope is refused (under
    /// [`Batch::Atomic`], with all the others). Blocks: call it off the async executor.
    pub fn submit(&self, edits: Vec<Edit>, batch: Batch) -> Answer {
        let snapshot = self.published.snapshot();
        let verdicts: Vec<Result<(), StoreError>> = edits.iter().map(|edit| super::scope::authorize(&snapshot, edit)).collect();
        if verdicts.iter().all(Result::is_ok) {
            return self.queue(edits, batch);
        }
        if batch == Batch::Atomic {
            return Err(verdicts.into_iter().find_map(Result::err).unwrap_or_else(|| StoreError::Failed(Bilingual::new("refused", "被拒绝"))));
        }
        let allowed: Vec<Edit> = edits.into_iter().zip(&verdicts).filter(|(_, v)| v.is_ok()).map(|(e, _)| e).collect();
        let mut answers = if allowed.is_empty() { Vec::new() } else { self.queue(allowed, batch)? }.into_iter();
        Ok(verdicts.into_iter().map(|v| match v {
            Ok(()) => answers.next().unwrap_or_else(|| Err(StoreError::Failed(Bilingual::new("no answer was left for it", "没有留下答复")))),
            Err(e) => Err(e),
        }).collect())
    }

    /// Queues edits already authorised and waits for their answer.
    fn queue(&self, edits: Vec<Edit>, batch: Batch) -> Answer {
        let slot = Arc::new(Slot::default());
        lock(&self.queue).push(Job { edits, batch, slot: slot.clone() });
        let turn = lock(&self.turn);
        // a writer that held the turn before may have committed this job already
        if let Some(answer) = lock(&slot.answer).take() {
            return answer;
        }
        let jobs = std::mem::take(&mut *lock(&self.queue));
        let slots: Vec<Arc<Slot>> = jobs.iter().map(|j| j.slot.clone()).collect();
        if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.run(jobs))).is_err() {
            // nobody may wait for ever: what was not answered failed (the store rolled back)
            for slot in slots {
                let mut answer = lock(&slot.answer);
                if answer.is_none() {
                    *answer = Some(Err(StoreError::Failed(Bilingual::new("the server failed while committing it; see its log", "服务器提交时出错；详见服务器日志"))));
                    slot.ready.notify_all();
                }
            }
        }
        drop(turn);
        let mut answer = lock(&slot.answer);
        while answer.is_none() {
            answer = slot.ready.wait(answer).unwrap_or_else(|e| e.into_inner());
        }
        answer.take().unwrap_or_else(|| Err(StoreError::Failed(Bilingual::new("no answer was left for it", "没有留下答复"))))
    }

    /// Commits `jobs` in order (runs of independent jobs together), publishes, answers.
    fn run(&self, jobs: Vec<Job>) {
        let snapshot = self.published.snapshot();
        let mut working = Working::default();
        let mut answers: Vec<(Arc<Slot>, Answer)> = Vec::with_capacity(jobs.len());
        let mut group: Vec<Job> = Vec::new();
        let flush = |group: &mut Vec<Job>, answers: &mut Vec<(Arc<Slot>, Answer)>, working: &mut Working| {
            if group.is_empty() {
                return;
            }
            let edits: Vec<Edit> = group.iter().flat_map(|j| j.edits.iter().cloned()).collect();
            match self.store.apply(&edits, Batch::Each) {
                Ok(results) => {
                    let mut results = results.into_iter();
                    for job in group.drain(..) {
                        let mine: Vec<_> = results.by_ref().take(job.edits.len()).collect();
                        let outcomes = outcomes(&snapshot, working, &job.edits, mine);
                        answers.push((job.slot, Ok(outcomes)));
                    }
                }
                Err(e) => {
                    let message = e.to_string();
                    tracing::error!("a batch of edits failed: {message}");
                    let failed = Bilingual::new(format!("the store failed: {message}"), format!("数据库出错：{}", e.zh()));
                    for job in group.drain(..) {
                        answers.push((job.slot, Err(StoreError::Failed(failed.clone()))));
                    }
                }
            }
        };
        for job in jobs {
            if job.batch == Batch::Each {
                group.push(job);
                continue;
            }
            flush(&mut group, &mut answers, &mut working);
            let answer = self.store.apply(&job.edits, Batch::Atomic).map(|results| outcomes(&snapshot, &mut working, &job.edits, results));
            answers.push((job.slot, answer));
        }
        flush(&mut group, &mut answers, &mut working);
        let Working { spaces: working, statuses_only } = working;
        if !working.is_empty() {
            let mut spaces = Vec::new();
            let mut removed = Vec::new();
            let mut changed = Vec::new();
            for (key, space) in working {
                match space {
                    Some(space) => {
                        changed.push(key);
                        spaces.push(space);
                    }
                    None => removed.push(key),
                }
            }
            let next = snapshot.with_spaces(spaces, &removed);
            self.published.publish(next, statuses_only.then_some(changed.as_slice()));
        }
        for (slot, answer) in answers {
            *lock(&slot.answer) = Some(answer);
            slot.ready.notify_all();
        }
    }
}

/// What committed edits leave that is not yet published.
struct Working {
    /// Each space edited as it now is (none: deleted).
    spaces: HashMap<(LayerName, String), Option<Space>>,
    /// Whether every edit was a status change (the matcher can then be patched).
    statuses_only: bool,
}

impl Default for Working {
    fn default() -> Self {
        Working { spaces: HashMap::new(), statuses_only: true }
    }
}

/// The spaces the committed edits of one job leave, recorded in `working` (over `snapshot`).
fn outcomes(
    snapshot: &Snapshot,
    working: &mut Working,
    edits: &[Edit],
    results: Vec<Result<Committed, StoreError>>,
) -> Vec<Result<Outcome, StoreError>> {
    edits
        .iter()
        .zip(results)
        .map(|(edit, result)| {
            let committed = result?;
            working.statuses_only &= matches!(edit.change, Change::Status(_));
            let (layer, id) = edit.change.target();
            let key = (layer, id.to_string());
            let space = match &edit.change {
                Change::Status(c) => {
                    let current = working.spaces.get(&key).cloned().unwrap_or_else(|| snapshot.space(layer, id));
                    current.map(|s| s.with_status(c.to, c.project.as_deref(), c.project_id.as_deref()))
                }
                Change::Create(space) | Change::Update { after: space, .. } => Some(space.clone()),
                Change::Delete { .. } => None,
            };
            let space = space.map(|mut s| {
                s.set_version(committed.version);
                s
            });
            working.spaces.insert(key, space.clone());
            Ok(Outcome { committed, space })
        })
        .collect()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // a panic while holding a lock leaves a queue or slot that is still whole
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
