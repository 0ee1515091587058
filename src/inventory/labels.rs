//! Each feature's id, name and places kept side by side in memory, in chunks shared between
//! snapshots. A tile reads a few hundred features' labels from a few contiguous blocks instead
//! of chasing five heap strings per feature (those cache misses were a third of a parcel
//! tile's time), and an attribute edit copies one chunk, not the table.

use std::sync::Arc;

/// The strings a feature is labelled with: id, name, district, park, zone (empty: none).
pub type LabelRow<'a> = [&'a str; 5];

/// Features per chunk: an edit copies about 10 KB.
const CHUNK: usize = 256;

#[derive(Debug, Clone, Default)]
struct Chunk {
    text: String,
    /// Where each label ends in `text`, five a feature.
    ends: Vec<u32>,
}

impl Chunk {
    fn push(&mut self, row: LabelRow) {
        for label in row {
            self.text.push_str(label);
            self.ends.push(self.text.len() as u32);
        }
    }

    fn rows(&self) -> usize {
        self.ends.len() / 5
    }

    fn row(&self, i: usize) -> LabelRow<'_> {
        std::array::from_fn(|k| {
            let n = 5 * i + k;
            let start = if n == 0 { 0 } else { self.ends[n - 1] as usize };
            &self.text[start..self.ends[n] as usize]
        })
    }
}

/// The labels of one layer's features, by position.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    chunks: Vec<Arc<Chunk>>,
}

impl Labels {
    /// The labels of every feature, in order.
    pub fn build<'a>(rows: impl IntoIterator<Item = LabelRow<'a>>) -> Labels {
        let mut chunks = Vec::new();
        let mut chunk = Chunk::default();
        for row in rows {
            chunk.push(row);
            if chunk.rows() == CHUNK {
                chunks.push(Arc::new(std::mem::take(&mut chunk)));
            }
        }
        if chunk.rows() > 0 {
            chunks.push(Arc::new(chunk));
        }
        Labels { chunks }
    }

    /// The labels of the feature at `index`; all empty past the end.
    pub fn row(&self, index: u32) -> LabelRow<'_> {
        let i = index as usize;
        match self.chunks.get(i / CHUNK) {
            Some(chunk) if i % CHUNK < chunk.rows() => chunk.row(i % CHUNK),
            _ => [""; 5],
        }
    }

    /// Replaces the labels of the feature at `index` (nothing past the end), copying its
    /// chunk only.
    pub fn set(&mut self, index: u32, row: LabelRow) {
        let i = index as usize;
        let Some(old) = self.chunks.get(i / CHUNK) else { return };
        let within = i % CHUNK;
        if within >= old.rows() {
            return;
        }
        let mut chunk = Chunk { text: String::with_capacity(old.text.len()), ends: Vec::with_capacity(old.ends.len()) };
        for j in 0..old.rows() {
            chunk.push(if j == within { row } else { old.row(j) });
        }
        self.chunks[i / CHUNK] = Arc::new(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<[String; 5]> {
        (0..n).map(|i| [format!("P{i}"), format!("地块{i}"), "110228".into(), if i % 2 == 0 { "MY".into() } else { String::new() }, String::new()]).collect()
    }

    fn as_row(r: &[String; 5]) -> LabelRow<'_> {
        [&r[0], &r[1], &r[2], &r[3], &r[4]]
    }

    #[test]
    fn every_row_comes_back_across_chunks() {
        let source = rows(600);
        let labels = Labels::build(source.iter().map(as_row));
        for (i, r) in source.iter().enumerate() {
            assert_eq!(labels.row(i as u32), as_row(r), "row {i}");
        }
        assert_eq!(labels.row(600), [""; 5]);
        assert_eq!(labels.row(u32::MAX), [""; 5]);
    }

    #[test]
    fn setting_a_row_changes_it_alone_and_shares_other_chunks() {
        let source = rows(600);
        let before = Labels::build(source.iter().map(as_row));
        let mut after = before.clone();
        after.set(300, ["P300", "改名", "110105", "", "Z1"]);
        assert_eq!(after.row(300), ["P300", "改名", "110105", "", "Z1"]);
        assert_eq!(before.row(300), as_row(&source[300]));
        for i in [0u32, 255, 256, 299, 301, 511, 512, 599] {
            assert_eq!(after.row(i), as_row(&source[i as usize]), "row {i}");
        }
        assert!(Arc::ptr_eq(&before.chunks[0], &after.chunks[0]));
        assert!(!Arc::ptr_eq(&before.chunks[1], &after.chunks[1]));
        after.set(600, ["X", "", "", "", ""]);
        assert_eq!(after.row(600), [""; 5]);
    }
}
