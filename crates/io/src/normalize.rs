//! Folding the forms that real sheets mix: full-width digits and punctuation, ideographic and
//! non-breaking spaces, zero-width characters.

/// Folds full-width ASCII forms (U+FF01–U+FF5E) to half-width, turns every kind of space into a
/// plain space, drops zero-width characters and trims.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\u{FF01}'..='\u{FF5E}' => {
                out.push(char::from_u32(ch as u32 - 0xFF01 + 0x21).expect("ASCII range"))
            }
            '\u{3000}'
            | '\u{00A0}'
            | '\u{2002}'..='\u{200A}'
            | '\u{202F}'
            | '\u{205F}'
            | '\t'
            | '\r'
            | '\n' => out.push(' '),
            '\u{200B}'..='\u{200D}' | '\u{FEFF}' => {}
            _ => out.push(ch),
        }
    }
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    }
}

/// Cleans a free-text cell (a name, an address): full-width digits and Latin letters become
/// half-width, every kind of space a plain one, runs of spaces one, and the ends are trimmed.
/// Chinese punctuation such as （） stays as typed: it is part of the name.
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for ch in s.chars() {
        let ch = match ch {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(ch as u32 - 0xFF01 + 0x21).expect("ASCII range")
            }
            '\u{3000}'
            | '\u{00A0}'
            | '\u{2002}'..='\u{200A}'
            | '\u{202F}'
            | '\u{205F}'
            | '\t'
            | '\r'
            | '\n' => ' ',
            '\u{200B}'..='\u{200D}' | '\u{FEFF}' => continue,
            c => c,
        };
        if ch == ' ' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(ch);
    }
    // The `'` that a CSV export puts before text starting like a formula (write::inert) is not
    // part of the name: re-importing an export changes nothing.
    if out.starts_with('\'') && out[1..].starts_with(['=', '+', '-', '@']) {
        out.remove(0);
    }
    out
}

/// Whether the text needs folding at all (most cells don't: the fast path for big sheets).
fn is_plain(s: &str) -> bool {
    s.bytes().all(|b| (0x21..0x7F).contains(&b))
}

/// [`fold`], but borrowing when nothing changes.
pub fn fold_cow(s: &str) -> std::borrow::Cow<'_, str> {
    if is_plain(s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(fold(s))
    }
}

/// The key a header is matched by: folded, without spaces, brackets and punctuation, lower-case,
/// with the ways of writing square metres made one (㎡).
pub fn header_key(s: &str) -> String {
    let folded = fold(s);
    let mut key: String = folded
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '(' | ')'
                        | '['
                        | ']'
                        | '{'
                        | '}'
                        | '【'
                        | '】'
                        | '<'
                        | '>'
                        | '《'
                        | '》'
                        | '〔'
                        | '〕'
                        | ':'
                        | '*'
                        | '_'
                        | '-'
                        | '/'
                        | '\\'
                        | '、'
                        | '.'
                        | '。'
                )
        })
        .collect::<String>()
        .to_lowercase();
    for (from, to) in [("平方米", "㎡"), ("平米", "㎡"), ("m²", "㎡"), ("m2", "㎡")] {
        key = key.replace(from, to);
    }
    key
}

/// Removes all whitespace (for codes and words such as 合 计).
pub fn squeeze(s: &str) -> String {
    fold(s).chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_and_spaces() {
        assert_eq!(fold("\u{00A0}１２３４５．６\u{3000}"), "12345.6");
        assert_eq!(fold("（注）：ＡＢ"), "(注):AB");
        assert_eq!(fold("a\u{200B}b"), "ab");
        assert_eq!(fold_cow("plain"), "plain");
        assert_eq!(
            clean_text("\u{00A0}梅山小区（３期）\u{3000} Ａ座  2单元 "),
            "梅山小区（3期） A座 2单元"
        );
    }

    #[test]
    fn header_keys() {
        assert_eq!(header_key("建筑面积（㎡）"), header_key("建筑面积(平方米)"));
        assert_eq!(
            header_key(" 建筑面积 \n(m2) "),
            header_key("建筑面积【平米】")
        );
        assert_eq!(header_key("改造意愿（%）"), "改造意愿%");
        assert_eq!(squeeze("合　计"), "合计");
    }
}
