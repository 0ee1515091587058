//! Why a whole spreadsheet cannot be read (a bad row is a problem, not an error).

use crate::error::{Classified, ErrorKind};
use crate::geometry::GeometryError;
use crate::inventory::LayerName;

/// A spreadsheet that cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SheetError {
    /// Only parcels and buildings are imported from spreadsheets.
    #[error("spreadsheets hold parcels or buildings, not {0}")]
    Layer(LayerName),
    /// The CRS given for the whole file cannot be used.
    #[error("the file's coordinate system cannot be used: {0}")]
    Crs(GeometryError),
    /// The file is empty.
    #[error("the file is empty")]
    Empty,
    /// The file is larger than a spreadsheet import takes.
    #[error("the file is {size} bytes, more than the {limit} bytes a spreadsheet import takes")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The workbook unpacks to more than the limit (a zip bomb, or far more than a list).
    #[error("the workbook unpacks to more than {limit} bytes")]
    Unpacked {
        /// The limit.
        limit: u64,
    },
    /// A sheet with more rows or columns than an import takes.
    #[error("sheet '{sheet}' reaches row {rows} or column {columns}: an import takes at most {max_rows} rows and {max_columns} columns")]
    SheetTooBig {
        /// The sheet.
        sheet: String,
        /// Its rows (as far as read).
        rows: u64,
        /// Its columns (as far as read).
        columns: u64,
        /// The row limit.
        max_rows: u32,
        /// The column limit.
        max_columns: u32,
    },
    /// An Excel 97–2003 `.xls` file.
    #[error("this is an Excel 97-2003 .xls file: save it as .xlsx (Excel Workbook) or CSV")]
    Xls,
    /// Not an XLSX workbook.
    #[error("the file is not an XLSX workbook: {0}")]
    NotAWorkbook(String),
    /// A CSV file that is not text in a supported encoding.
    #[error("the file is not text in UTF-8, UTF-16 or GB18030 (as Excel saves CSV)")]
    NotText,
    /// A CSV file the CSV reader refuses.
    #[error("the CSV file cannot be read: {0}")]
    Csv(String),
    /// No sheet has a header row naming the columns of the layer.
    #[error("no header row naming {layer} columns (such as {example}) in the first 20 rows of {}", sheets_en(.sheets))]
    NoHeader {
        /// The layer.
        layer: LayerName,
        /// The sheets searched (none: the workbook has no visible data sheet).
        sheets: Vec<String>,
        /// Headers it would name, for the message.
        example: String,
    },
    /// The template could not be written.
    #[error("the template could not be written: {0}")]
    Template(String),
}

/// The sheets searched, for the English message.
fn sheets_en(sheets: &[String]) -> String {
    if sheets.is_empty() {
        "the workbook (it has no visible data sheet)".into()
    } else {
        format!("sheet {}", sheets.join(", "))
    }
}

impl SheetError {
    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            SheetError::Layer(layer) => format!("表格只能导入地块或厂房楼宇，不能导入{}", layer.zh()),
            SheetError::Crs(e) => format!("文件的坐标系无法使用：{}", e.zh()),
            SheetError::Empty => "文件是空的".into(),
            SheetError::TooLarge { size, limit } => format!("文件有 {size} 字节，超过表格导入上限 {limit} 字节"),
            SheetError::Unpacked { limit } => format!("工作簿解压后超过 {limit} 字节"),
            SheetError::SheetTooBig { sheet, rows, columns, max_rows, max_columns } => {
                format!("工作表「{sheet}」达到第 {rows} 行或第 {columns} 列：一次导入最多 {max_rows} 行、{max_columns} 列")
            }
            SheetError::Xls => "这是 Excel 97-2003 的 .xls 文件：请另存为 .xlsx（Excel 工作簿）或 CSV".into(),
            // calamine's own words name what is missing
            SheetError::NotAWorkbook(reason) => format!("文件不是 XLSX 工作簿（{reason}）"),
            SheetError::NotText => "文件不是 UTF-8、UTF-16 或 GB18030 编码的文本（Excel 保存的 CSV 是其中之一）".into(),
            SheetError::Csv(reason) => format!("CSV 文件无法读取（{reason}）"),
            SheetError::NoHeader { layer, sheets, example } => {
                let sheets = if sheets.is_empty() { "工作簿中没有可见的数据工作表".to_string() } else { format!("工作表 {} 的前 20 行", sheets.join("、")) };
                format!("{sheets}中没有{}的表头行（应有 {example} 等列）", layer.zh())
            }
            SheetError::Template(reason) => format!("无法生成模板（{reason}）"),
        }
    }
}

impl Classified for SheetError {
    fn kind(&self) -> ErrorKind {
        match self {
            SheetError::Layer(_) | SheetError::Crs(_) => ErrorKind::InvalidParameter,
            SheetError::TooLarge { .. } | SheetError::Unpacked { .. } | SheetError::SheetTooBig { .. } => ErrorKind::TooLarge,
            SheetError::Empty | SheetError::Xls | SheetError::NotAWorkbook(_) | SheetError::NotText | SheetError::Csv(_) => ErrorKind::Malformed,
            SheetError::NoHeader { .. } => ErrorKind::InvalidData,
            SheetError::Template(_) => ErrorKind::Internal,
        }
    }

    fn blame(&self) -> crate::error::Blame<'_> {
        match self {
            SheetError::Layer(_) => crate::error::Blame::Parameter("layer"),
            SheetError::Crs(_) => crate::error::Blame::Parameter("crs"),
            _ => crate::error::Blame::Nothing,
        }
    }

    fn detail_zh(&self) -> Option<String> {
        Some(self.zh())
    }
}
