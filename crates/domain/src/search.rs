//! The terms of the estate search index. Chinese names and addresses are searched by words of two
//! characters or more (梅山, 三里庵), which no word tokenizer finds and trigram indexes cannot
//! serve, so an estate is indexed by every pair of adjacent characters of its name, address and
//! code (its bigrams), and by a term for each level of its division. A search for `梅山小区`
//! within 合肥 asks for the estates having all of 梅山, 山小, 小区 and the term of 3401: a superset
//! of the true matches, which the store then checks character by character.

use crate::division::{DivisionCode, Level};

/// Every pair of adjacent letters or digits (Chinese characters are letters) of `text`,
/// lowercased; pairs with a space or punctuation in them are left out, in the index and in a
/// query alike, so the index still holds every pair a query can ask for.
fn bigrams(text: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = text
        .chars()
        .flat_map(char::to_lowercase)
        .collect::<Vec<_>>();
    for w in chars.windows(2) {
        if w[0].is_alphanumeric() && w[1].is_alphanumeric() {
            out.push(w.iter().collect());
        }
    }
}

/// The term of a division (its code's prefix at its level, marked so that no bigram of digits
/// can be mistaken for it): `d3401` for 合肥.
pub fn division_term(d: &DivisionCode) -> String {
    let code = d.to_string();
    format!("d{}", &code[..d.level().prefix_len()])
}

/// The index terms of an estate, space-separated, each once: the bigrams of its texts and the
/// terms of its division at every level from the province down.
pub fn index_terms(division_code: &str, texts: &[&str]) -> String {
    let mut terms = Vec::new();
    if let Ok(d) = DivisionCode::parse(division_code) {
        for level in [
            Level::Province,
            Level::City,
            Level::County,
            Level::Town,
            Level::Neighbourhood,
        ] {
            if let Some(a) = d.ancestor_at(level) {
                terms.push(division_term(&a));
            }
        }
        terms.dedup();
    }
    let mut grams = Vec::new();
    for t in texts {
        bigrams(t, &mut grams);
    }
    grams.sort();
    grams.dedup();
    terms.extend(grams);
    terms.join(" ")
}

/// The bigrams a text search asks for, each once; empty when the text has none (a single
/// character), and then the index cannot answer it.
pub fn query_terms(text: &str) -> Vec<String> {
    let mut grams = Vec::new();
    bigrams(text, &mut grams);
    grams.sort();
    grams.dedup();
    grams
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_estate_is_indexed_by_its_bigrams_and_divisions() {
        let t = index_terms("340104001001", &["梅山小区", "合肥市 三里庵路1号", "XQ-01"]);
        let terms: Vec<&str> = t.split(' ').collect();
        for want in [
            "d34",
            "d3401",
            "d340104",
            "d340104001",
            "d340104001001",
            "梅山",
            "山小",
            "小区",
            "三里",
            "里庵",
            "路1",
            "1号",
            "xq",
            "01",
        ] {
            assert!(terms.contains(&want), "{want} in {t}");
        }
        // No pair across a space or punctuation, and each term once.
        assert!(!terms.iter().any(|t| t.contains(' ') || t.contains('-')));
        let mut sorted = terms.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), terms.len());
    }

    #[test]
    fn every_bigram_of_a_query_found_in_a_name_is_in_its_terms() {
        let name = "新世纪花园（一期）A区";
        let terms = index_terms("340104001001", &[name]);
        let chars: Vec<char> = name.chars().collect();
        for i in 0..chars.len() {
            for j in i + 1..=chars.len() {
                let q: String = chars[i..j].iter().collect();
                for g in query_terms(&q) {
                    assert!(terms.split(' ').any(|t| t == g), "{g} of {q}");
                }
            }
        }
        assert!(query_terms("梅").is_empty());
        assert_eq!(query_terms("Ab"), ["ab"]);
    }
}
