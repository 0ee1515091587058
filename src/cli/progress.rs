//! Progress of long loads: indicatif bars on a terminal, nothing otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::inventory::Progress;

/// indicatif bars on a terminal, nothing otherwise.
pub struct Bars {
    bar: ProgressBar,
}

impl Bars {
    /// Bars on stderr when it is a terminal.
    pub fn new() -> Bars {
        let bar = ProgressBar::hidden();
        if std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        let style = ProgressStyle::with_template("{msg:>28} [{bar:40}] {pos}/{len} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        Bars { bar }
    }
}

impl Progress for Bars {
    fn begin(&self, stage: &str, total: u64) {
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_message(stage.to_string());
    }
    fn advance(&self, steps: u64) {
        self.bar.inc(steps);
    }
    fn end(&self) {
        self.bar.set_position(self.bar.length().unwrap_or(0));
        self.bar.finish_and_clear();
    }
}
