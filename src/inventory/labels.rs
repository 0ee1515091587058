//! What a map shows of each feature (id, name, places, status, class, two measures), kept side
//! by side in memory, in chunks shared between snapshots. A tile reads a few hundred features'
//! labels from a few contiguous blocks instead of reaching into each feature and its heap
//! strings (those cache misses were a third of a parcel tile's time), and an attribute edit
//! copies one chunk, not the table.

use std::sync::Arc;

/// What a map shows of a feature; empty strings and zeros where it has none.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Label<'a> {
    /// The feature id.
    pub id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// District adcode.
    pub district: &'a str,
    /// Park id.
    pub park: &'a str,
    /// 园中园 id.
    pub zone: &'a str,
    /// Supply status (spaces).
    pub status: &'a str,
    /// Land use, building type or park level.
    pub class: &'a str,
    /// Parcels: area in m²; buildings: floor area and vacant floor area in m².
    pub measures: [f64; 2],
    /// When it was last verified (parcels and buildings), for the stale flag.
    pub verified_at: Option<chrono::NaiveDate>,
}

const TEXTS: usize = 7;

impl<'a> Label<'a> {
    fn texts(&self) -> [&'a str; TEXTS] {
        [self.id, self.name, self.district, self.park, self.zone, self.status, self.class]
    }

    fn from_texts([id, name, district, park, zone, status, class]: [&'a str; TEXTS], measures: [f64; 2], verified_at: Option<chrono::NaiveDate>) -> Label<'a> {
        Label { id, name, district, park, zone, status, class, measures, verified_at }
    }
}

/// Features per chunk: an edit copies about 16 KB.
const CHUNK: usize = 256;

#[derive(Debug, Clone, Default)]
struct Chunk {
    text: String,
    /// Where each text ends in `text`, [`TEXTS`] a feature.
    ends: Vec<u32>,
    measures: Vec<[f64; 2]>,
    verified_at: Vec<Option<chrono::NaiveDate>>,
}

impl Chunk {
    fn push(&mut self, label: &Label) {
        for text in label.texts() {
            self.text.push_str(text);
            self.ends.push(self.text.len() as u32);
        }
        self.measures.push(label.measures);
        self.verified_at.push(label.verified_at);
    }

    fn rows(&self) -> usize {
        self.measures.len()
    }

    fn row(&self, i: usize) -> Label<'_> {
        let texts = std::array::from_fn(|k| {
            let n = TEXTS * i + k;
            let start = if n == 0 { 0 } else { self.ends[n - 1] as usize };
            &self.text[start..self.ends[n] as usize]
        });
        Label::from_texts(texts, self.measures[i], self.verified_at[i])
    }
}

/// The labels of one layer's features, by position.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    chunks: Vec<Arc<Chunk>>,
}

impl Labels {
    /// The labels of every feature, in order.
    pub fn build<'a>(labels: impl IntoIterator<Item = Label<'a>>) -> Labels {
        let mut chunks = Vec::new();
        let mut chunk = Chunk::default();
        for label in labels {
            chunk.push(&label);
            if chunk.rows() == CHUNK {
                chunks.push(Arc::new(std::mem::take(&mut chunk)));
            }
        }
        if chunk.rows() > 0 {
            chunks.push(Arc::new(chunk));
        }
        Labels { chunks }
    }

    /// The label of the feature at `index`; empty past the end.
    pub fn row(&self, index: u32) -> Label<'_> {
        let i = index as usize;
        match self.chunks.get(i / CHUNK) {
            Some(chunk) if i % CHUNK < chunk.rows() => chunk.row(i % CHUNK),
            _ => Label::default(),
        }
    }

    /// Replaces the label of the feature at `index` (nothing past the end), copying its chunk
    /// only.
    pub fn set(&mut self, index: u32, label: Label) {
        let i = index as usize;
        let Some(old) = self.chunks.get(i / CHUNK) else { return };
        let within = i % CHUNK;
        if within >= old.rows() {
            return;
        }
        let mut chunk = Chunk {
            text: String::with_capacity(old.text.len() + 64),
            ends: Vec::with_capacity(old.ends.len()),
            measures: Vec::with_capacity(old.rows()),
            verified_at: Vec::with_capacity(old.rows()),
        };
        for j in 0..old.rows() {
            chunk.push(&if j == within { label } else { old.row(j) });
        }
        self.chunks[i / CHUNK] = Arc::new(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: usize) -> Vec<[String; 2]> {
        (0..n).map(|i| [format!("P{i}"), format!("地块{i}")]).collect()
    }

    fn label(i: usize, t: &[String; 2]) -> Label<'_> {
        let park = if i.is_multiple_of(2) { "MY" } else { "" };
        Label { id: &t[0], name: &t[1], district: "110228", park, zone: "", status: "available", class: "M1", measures: [i as f64, 0.5], verified_at: None }
    }

    #[test]
    fn every_row_comes_back_across_chunks() {
        let source = texts(600);
        let labels = Labels::build(source.iter().enumerate().map(|(i, t)| label(i, t)));
        for (i, t) in source.iter().enumerate() {
            assert_eq!(labels.row(i as u32), label(i, t), "row {i}");
        }
        assert_eq!(labels.row(600), Label::default());
        assert_eq!(labels.row(u32::MAX), Label::default());
    }

    #[test]
    fn setting_a_row_changes_it_alone_and_shares_other_chunks() {
        let source = texts(600);
        let before = Labels::build(source.iter().enumerate().map(|(i, t)| label(i, t)));
        let mut after = before.clone();
        let changed = Label { name: "改名", zone: "Z1", status: "negotiating", ..label(300, &source[300]) };
        after.set(300, changed);
        assert_eq!(after.row(300), changed);
        assert_eq!(before.row(300), label(300, &source[300]));
        for i in [0usize, 255, 256, 299, 301, 511, 512, 599] {
            assert_eq!(after.row(i as u32), label(i, &source[i]), "row {i}");
        }
        assert!(Arc::ptr_eq(&before.chunks[0], &after.chunks[0]));
        assert!(!Arc::ptr_eq(&before.chunks[1], &after.chunks[1]));
        after.set(600, changed);
        assert_eq!(after.row(600), Label::default());
    }
}
