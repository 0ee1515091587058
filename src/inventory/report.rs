//! The validation report: every problem, with layer, feature, field and reason.

use std::fmt;

use serde::Serialize;

use super::LayerName;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks loading.
    Error,
    /// Loaded, but worth a look.
    Warning,
}

impl Severity {
    /// The word in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

/// Which feature a problem belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureRef {
    /// Position in the file's `features` array.
    pub index: usize,
    /// The feature's id, when it has one.
    pub id: Option<String>,
}

impl fmt::Display for FeatureRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{id}"),
            None => write!(f, "#{}", self.index),
        }
    }
}

/// One problem found while loading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// The layer.
    pub layer: LayerName,
    /// The feature, or none for a problem with the whole file.
    pub feature: Option<FeatureRef>,
    /// The property (or `geometry`, `id`), when one is to blame.
    pub field: Option<String>,
    /// What is wrong, in words.
    pub reason: String,
    /// The same in Chinese; not in the JSON, which keeps `reason` in English (see
    /// [`Report::errors_zh_json`]).
    #[serde(skip)]
    pub reason_zh: String,
}

impl Problem {
    /// The problem as one line in Chinese, like its `Display` in English.
    pub fn zh(&self) -> String {
        let mut line = format!("{}：{}", self.severity.zh(), self.layer.zh());
        if let Some(feature) = &self.feature {
            line.push_str(&format!(" {feature}"));
        }
        if let Some(field) = &self.field {
            line.push_str(&format!(" [{field}]"));
        }
        line + "：" + &self.reason_zh
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: {}", self.layer)?;
        if let Some(feature) = &self.feature {
            write!(f, " {feature}")?;
        }
        if let Some(field) = &self.field {
            write!(f, " [{field}]")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// All problems of one load, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// The problems.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Adds a problem.
    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Error).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.problems.iter().filter(|p| p.severity == Severity::Warning).count()
    }

    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.severity == Severity::Error)
    }

    /// The errors as JSON, as `json!(report.errors().collect::<Vec<_>>())` gives them but
    /// with each `reason` in Chinese.
    pub fn errors_zh_json(&self) -> serde_json::Value {
        let problems = self.errors().map(|p| {
            let mut value = serde_json::to_value(p).unwrap_or_default();
            value["reason"] = serde_json::Value::from(p.reason_zh.as_str());
            value
        });
        serde_json::Value::Array(problems.collect())
    }

    /// The report in Chinese, like its `Display` in English.
    pub fn zh(&self) -> String {
        let mut text = String::new();
        for p in &self.problems {
            text.push_str(&p.zh());
            text.push('\n');
        }
        text + &format!("{} 个错误，{} 个警告", self.error_count(), self.warning_count())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.problems {
            writeln!(f, "{p}")?;
        }
        write!(f, "{} error(s), {} warning(s)", self.error_count(), self.warning_count())
    }
}
