//! The column vocabulary: printed header labels that name the same column concept across
//! regions (合计/总计/小计, 人员经费/人员支出, 公务用车运行费/公务用车运行维护费 …), as data
//! (`grammars/vocabulary.toml`, shared by every grammar family), and the normalisation that
//! makes two prints of one label compare equal.

use crate::error::GrammarError;
use crate::grammar::line_of;
use serde::Deserialize;
use std::sync::{Arc, OnceLock};

/// File name of a vocabulary inside a grammar folder (never loaded as a grammar).
pub const VOCABULARY_FILE: &str = "vocabulary.toml";

/// One column concept and the labels it is printed under.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    pub id: String,
    pub labels: Vec<String>,
}

/// Column concepts, each a set of equivalent printed labels (stored normalised).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    #[serde(default, rename = "concept")]
    pub concepts: Vec<Concept>,
}

/// Normalises a printed label for comparison: full-width ASCII forms to half width, the
/// ideographic space and every white space removed, CJK brackets （）〔〕【】 to ( ) [ ],
/// quotation marks (“”‘’「」"') removed, and letters lowercased.
pub fn normalize_label(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '〔' | '【' => '[',
                '〕' | '】' => ']',
                _ => c,
            };
            if c.is_whitespace() || matches!(c, '“' | '”' | '‘' | '’' | '「' | '」' | '"' | '\'')
            {
                return None;
            }
            Some(c.to_ascii_lowercase())
        })
        .collect()
}

impl Vocabulary {
    /// Parses a vocabulary from TOML text; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Vocabulary, GrammarError> {
        let mut v: Vocabulary = toml::from_str(text).map_err(|e| GrammarError {
            file: file.to_string(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().to_string(),
        })?;
        for c in &mut v.concepts {
            if c.labels.is_empty() {
                return Err(GrammarError {
                    file: file.to_string(),
                    line: text
                        .find(&format!("\"{}\"", c.id))
                        .map(|p| line_of(text, p)),
                    message: format!("concept {:?} has no labels", c.id),
                });
            }
            for l in &mut c.labels {
                *l = normalize_label(l);
            }
        }
        Ok(v)
    }

    /// The national vocabulary shipped with the crate (`grammars/vocabulary.toml`).
    pub fn national() -> Arc<Vocabulary> {
        static V: OnceLock<Arc<Vocabulary>> = OnceLock::new();
        V.get_or_init(|| {
            let text = crate::grammar::builtin_file(VOCABULARY_FILE).unwrap_or("");
            // The shipped vocabulary is tested to load (see tests below); a broken one is a bug.
            match Vocabulary::from_toml(VOCABULARY_FILE, text) {
                Ok(v) => Arc::new(v),
                Err(e) => panic!("shipped vocabulary does not load: {e}"),
            }
        })
        .clone()
    }

    /// This vocabulary with `other`'s concepts added.
    pub fn extended(&self, other: Vocabulary) -> Vocabulary {
        let mut concepts = self.concepts.clone();
        concepts.extend(other.concepts);
        Vocabulary { concepts }
    }

    /// Ids of the concepts a label names (normalised comparison).
    pub fn concepts_of(&self, label: &str) -> Vec<&str> {
        let n = normalize_label(label);
        self.concepts
            .iter()
            .filter(|c| c.labels.contains(&n))
            .map(|c| c.id.as_str())
            .collect()
    }

    /// The normalised forms a column printed as `label` may take: the label itself first,
    /// then the other labels of every concept it names, in vocabulary order, without repeats.
    pub fn variants(&self, label: &str) -> Vec<String> {
        let n = normalize_label(label);
        let mut out = vec![n.clone()];
        for c in self.concepts.iter().filter(|c| c.labels.contains(&n)) {
            for l in &c.labels {
                if !out.contains(l) {
                    out.push(l.clone());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_folds_width_brackets_quotes_and_spaces() {
        assert_eq!(normalize_label("因公出国（境）费"), "因公出国(境)费");
        assert_eq!(normalize_label("因公出国(境)费"), "因公出国(境)费");
        assert_eq!(normalize_label("“三公”经费合计"), "三公经费合计");
        assert_eq!(normalize_label("\"三公\"经费合计"), "三公经费合计");
        assert_eq!(normalize_label("合　计"), "合计");
        assert_eq!(normalize_label("金 额"), "金额");
        assert_eq!(normalize_label("增减％"), "增减%");
        assert_eq!(normalize_label("ＡＢ１２"), "ab12");
        assert_eq!(normalize_label("〔30227〕"), "[30227]");
    }

    #[test]
    fn national_vocabulary_loads_and_matches_concepts() {
        let v = Vocabulary::national();
        assert!(v.concepts_of("总计").contains(&"total"));
        assert!(v.concepts_of("小 计").contains(&"total"));
        assert_eq!(v.concepts_of("人员支出"), ["basic_expenditure.personnel"]);
        assert_eq!(v.concepts_of("日常公用支出"), ["basic_expenditure.public"]);
        assert_eq!(
            v.concepts_of("公务用车运行维护费"),
            ["three_public.vehicles.operation"]
        );
        assert_eq!(
            v.concepts_of("因公出国（境）费"),
            ["three_public.outbound_travel"]
        );
        assert_eq!(v.concepts_of("上年结转"), ["income.carried_over"]);
        assert!(v.concepts_of("会议费").is_empty());
    }

    #[test]
    fn variants_start_with_the_label_and_keep_concepts_apart() {
        let v = Vocabulary::national();
        let r = v.variants("公务用车运行费");
        assert_eq!(r[0], "公务用车运行费");
        assert!(r.contains(&"公务用车运行维护费".to_string()));
        assert!(!r.contains(&"公务用车购置费".to_string()));
        let p = v.variants("人员经费");
        assert!(p.contains(&"人员支出".to_string()));
        assert!(!p.contains(&"日常公用支出".to_string()));
        // A label no concept names is kept as printed (normalised), alone.
        assert_eq!(v.variants("会议费"), ["会议费"]);
    }

    #[test]
    fn a_family_vocabulary_adds_concepts_and_errors_name_file_and_line() {
        let extra = Vocabulary::from_toml(
            "f/vocabulary.toml",
            "[[concept]]\nid = \"x\"\nlabels = [\"专项业务经费\", \"专项经费\"]\n",
        )
        .unwrap();
        let v = Vocabulary::national().extended(extra);
        assert_eq!(v.concepts_of("专项经费"), ["x"]);
        let e =
            Vocabulary::from_toml("v.toml", "[[concept]]\nid = \"y\"\nlabels = []\n").unwrap_err();
        assert!(e.message.contains("no labels"), "{e}");
        assert_eq!(e.line, Some(2));
        let e = Vocabulary::from_toml("v.toml", "[[concept]]\nid = 3\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("v.toml", Some(2)));
    }
}
