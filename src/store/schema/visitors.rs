//! Visitors: anonymous website visitors, apart from contacts until converted.

use serde_json::{Map, Value as Json};

use crate::store::backend::rows::{JsonColumn, table};

table! {
    /// `visitors`.
    pub(crate) Visitors => VisitorRow {
        Id: i64,
        PublicId: String,
        WorkspaceId: i64,
        UserId: String,
        Email: Option<String>,
        Phone: Option<String>,
        Name: Option<String>,
        Pseudonym: Option<String>,
        Avatar: Option<String>,
        OwnerId: Option<i64>,
        Referrer: Option<String>,
        UtmCampaign: Option<String>,
        UtmContent: Option<String>,
        UtmMedium: Option<String>,
        UtmSource: Option<String>,
        UtmTerm: Option<String>,
        SessionCount: i64,
        LastRequestAt: Option<i64>,
        CustomAttributes: JsonColumn<Map<String, Json>>,
        CreatedAt: i64,
        UpdatedAt: i64,
    }
}
