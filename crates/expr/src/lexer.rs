//! Splits expression text into tokens, one at a time.

use crate::Span;
use crate::error::{ParseError, ParseErrorKind};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Tok {
    Number(f64),
    Ident,
    Plus,
    Minus,
    Star,
    Slash,
    /// `^` or its alias `**`.
    Caret,
    LParen,
    RParen,
    Comma,
    End,
}

/// A token and where it is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// A lexer over the whole source; tokens are produced on demand so that a
/// million-term expression never holds a million tokens at once.
pub(crate) struct Lexer<'s> {
    source: &'s str,
    pos: usize,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'s> Lexer<'s> {
    pub fn new(source: &'s str) -> Self {
        Lexer { source, pos: 0 }
    }

    fn peek_byte(&self, offset: usize) -> Option<u8> {
        self.source.as_bytes().get(self.pos + offset).copied()
    }

    fn skip_whitespace(&mut self) {
        let rest = &self.source[self.pos..];
        let trimmed = rest.trim_start();
        self.pos += rest.len() - trimmed.len();
    }

    fn eat_while(&mut self, pred: impl Fn(u8) -> bool) {
        while self.peek_byte(0).is_some_and(&pred) {
            self.pos += 1;
        }
    }

    /// The next token, or the error of an unreadable one.
    pub fn next_token(&mut self) -> Result<Token, ParseError> {
        self.skip_whitespace();
        let start = self.pos;
        let Some(c) = self.peek_byte(0) else {
            return Ok(Token {
                tok: Tok::End,
                span: Span::at(start),
            });
        };
        let single = |tok| (tok, 1);
        let (tok, len) = match c {
            b'+' => single(Tok::Plus),
            b'-' => single(Tok::Minus),
            b'*' if self.peek_byte(1) == Some(b'*') => (Tok::Caret, 2),
            b'*' => single(Tok::Star),
            b'/' => single(Tok::Slash),
            b'^' => single(Tok::Caret),
            b'(' => single(Tok::LParen),
            b')' => single(Tok::RParen),
            b',' => single(Tok::Comma),
            b'0'..=b'9' | b'.' => return self.number(),
            c if is_ident_start(c) => {
                self.eat_while(is_ident_continue);
                return Ok(Token {
                    tok: Tok::Ident,
                    span: Span::new(start, self.pos),
                });
            }
            _ => {
                let ch = self.source[start..].chars().next().expect("not at end");
                return Err(ParseError::new(
                    ParseErrorKind::UnexpectedCharacter(ch),
                    Span::new(start, start + ch.len_utf8()),
                ));
            }
        };
        self.pos += len;
        Ok(Token {
            tok,
            span: Span::new(start, self.pos),
        })
    }

    /// `digits [. digits] [e [+-] digits]`, or `. digits ...`. Letters,
    /// digits and dots stuck to the end (`3x`, `1.2.3`, `1e`) belong to the
    /// token, so the error shows the whole unreadable word.
    fn number(&mut self) -> Result<Token, ParseError> {
        let start = self.pos;
        self.eat_while(|c| c.is_ascii_digit());
        if self.peek_byte(0) == Some(b'.') {
            self.pos += 1;
            self.eat_while(|c| c.is_ascii_digit());
        }
        if matches!(self.peek_byte(0), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek_byte(0), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.eat_while(|c| c.is_ascii_digit());
        }
        self.eat_while(|c| is_ident_continue(c) || c == b'.');
        let span = Span::new(start, self.pos);
        let text = &self.source[span.range()];
        let number = parse_number(text).map_err(|kind| ParseError::new(kind, span))?;
        Ok(Token {
            tok: Tok::Number(number),
            span,
        })
    }
}

/// Reads an unsigned decimal literal (`3`, `2.5`, `.5`, `1e-3`, `5.`) as a
/// finite `f64`.
pub(crate) fn parse_number(text: &str) -> Result<f64, ParseErrorKind> {
    let well_formed = {
        let b = text.as_bytes();
        let mut i = 0;
        let int_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        i += int_digits;
        let mut frac_digits = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            frac_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            i += frac_digits;
        }
        let mut ok = int_digits + frac_digits > 0;
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let exp_digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            ok &= exp_digits > 0;
            i += exp_digits;
        }
        ok && i == b.len()
    };
    let invalid = |reason: &'static str| ParseErrorKind::InvalidNumber {
        text: text.to_owned(),
        reason,
    };
    if !well_formed {
        return Err(invalid(
            "a number is digits with an optional fraction and exponent, like 3, 2.5, .5 or 1e-3",
        ));
    }
    let value: f64 = text.parse().map_err(|_| invalid("not a decimal number"))?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(invalid("too large for a 64-bit float"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(source: &str) -> Vec<Tok> {
        let mut lexer = Lexer::new(source);
        let mut out = Vec::new();
        loop {
            let t = lexer.next_token().expect("lexes");
            out.push(t.tok);
            if t.tok == Tok::End {
                return out;
            }
        }
    }

    #[test]
    fn numbers() {
        for (text, value) in [
            ("3", 3.0),
            ("2.5", 2.5),
            ("1e-3", 1e-3),
            (".5", 0.5),
            ("5.", 5.0),
            ("1E+2", 100.0),
        ] {
            assert_eq!(tokens(text), [Tok::Number(value), Tok::End], "{text}");
        }
    }

    #[test]
    fn bad_numbers_cover_the_whole_word() {
        for (text, end) in [
            ("1.2.3", 5),
            ("3x", 2),
            ("1e", 2),
            ("1e+", 3),
            (".", 1),
            ("1e999", 5),
            ("2e-x", 4),
        ] {
            let err = Lexer::new(text).next_token().unwrap_err();
            assert!(
                matches!(err.kind, ParseErrorKind::InvalidNumber { .. }),
                "{text}: {err:?}"
            );
            assert_eq!(err.span, Span::new(0, end), "{text}");
        }
    }

    #[test]
    fn operators_and_power_alias() {
        use Tok::*;
        assert_eq!(
            tokens("x**2 ^ (a,b)-c*d/e+f"),
            [
                Ident,
                Caret,
                Number(2.0),
                Caret,
                LParen,
                Ident,
                Comma,
                Ident,
                RParen,
                Minus,
                Ident,
                Star,
                Ident,
                Slash,
                Ident,
                Plus,
                Ident,
                End
            ]
        );
    }

    #[test]
    fn unexpected_character_is_located_on_char_boundaries() {
        let err = Lexer::new("é").next_token().unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::UnexpectedCharacter('é'));
        assert_eq!(err.span, Span::new(0, 2));
    }
}
