//! Enums whose values the API spells as fixed strings.

/// Declares a fieldless enum with each variant beside its spelling (and any other spelling a
/// request may use, after `|`), and gives it `ALL`, `as_str`, `parse` and a `Serialize` that
/// writes the spelling: one table instead of matches that must be kept in step.
macro_rules! str_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident => $text:literal $(| $alias:literal)*),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(raw: &str) -> Option<$name> {
                match raw {
                    $($text $(| $alias)* => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use str_enum;

#[cfg(test)]
mod tests {
    str_enum! {
        pub enum Kind {
            One => "one" | "uno",
            Two => "two",
        }
    }

    #[test]
    fn spellings_come_from_one_table() {
        assert_eq!(Kind::ALL, [Kind::One, Kind::Two]);
        assert_eq!(
            (Kind::One.as_str(), Kind::parse("uno"), Kind::parse("three")),
            ("one", Some(Kind::One), None)
        );
        assert_eq!(serde_json::to_value(Kind::Two).unwrap(), serde_json::json!("two"));
    }
}
