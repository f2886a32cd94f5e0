//! Companies in the search language, for company segments: the field table (the company
//! object's fields plus the workspace's company attributes) and where each field lives in SQL.
//! The dialect differences are the contacts search's (`custom_attribute`, `tag_condition`).

use sea_query::{Condition, Expr};
use serde_json::Value as Json;

use crate::domain::data_attribute::{DataAttribute, Model};
use crate::domain::search::{self, Resource, SearchError, StandardFields, ValidatedFilter, ValidatedQuery};
use crate::domain::segment::SegmentModel;
use crate::store::data_attributes;
use crate::store::schema::companies::Companies;
use crate::store::search::contacts::{custom_attribute, tag_condition};
use crate::store::search::{ColumnResolver, Dialect, Target, lower};
use crate::store::segments::saved::{self as segments, SavedSegment};
use crate::store::{Backend, Exec, StoreResult};

/// What compiling a companies query needs from the workspace.
pub(crate) struct CompanySearch {
    backend: Backend,
    attributes: Vec<DataAttribute>,
    /// The workspace's company segments, oldest first.
    pub segments: Vec<SavedSegment>,
}

fn col(c: Companies) -> Expr {
    Expr::col((Companies::Table, c))
}

impl CompanySearch {
    pub(crate) async fn load(db: &mut impl Exec, workspace_id: i64) -> StoreResult<CompanySearch> {
        let mut segments = segments::all(db, workspace_id).await?;
        segments.retain(|s| s.model == SegmentModel::Company);
        Ok(CompanySearch {
            backend: db.backend(),
            attributes: data_attributes::custom(db, workspace_id, Model::Company).await?,
            segments,
        })
    }

    fn validate(&self, query: &Json) -> Result<ValidatedQuery, SearchError> {
        let lookup =
            |name: &str| self.attributes.iter().find(|a| a.name == name).map(|a| a.data_type.field_type());
        search::parse_and_validate(query, &StandardFields::new(Resource::Companies, &lookup))
    }

    /// Membership of a company segment: its saved query over `companies`.
    pub(crate) fn segment_condition(&self, segment: &SavedSegment) -> Result<Condition, SearchError> {
        lower(&self.validate(&segment.query)?, &Resolver { search: self })
    }
}

struct Resolver<'a> {
    search: &'a CompanySearch,
}

impl ColumnResolver for Resolver<'_> {
    fn dialect(&self) -> Dialect {
        match self.search.backend {
            Backend::Sqlite => Dialect::Sqlite,
            Backend::Postgres => Dialect::Postgres,
        }
    }

    fn resolve(&self, f: &ValidatedFilter) -> Result<Target, SearchError> {
        use Companies::*;
        let column = match f.field.as_str() {
            "id" => PublicId,
            "company_id" => CompanyId,
            "name" => Name,
            "plan" => Plan,
            "website" => Website,
            "industry" => Industry,
            "size" => Size,
            "monthly_spend" => MonthlySpend,
            "session_count" => SessionCount,
            "created_at" => CreatedAt,
            "updated_at" => UpdatedAt,
            "remote_created_at" => RemoteCreatedAt,
            "last_request_at" => LastRequestAt,
            "user_count" => return Ok(Target::Column(user_count())),
            "tag_id" => {
                return tag_condition(col(Id), ("company_tags", "company_id"), &f.predicate)
                    .map(Target::Condition);
            }
            other => {
                return match other.strip_prefix("custom_attributes.") {
                    Some(name) => Ok(custom_attribute(self.search.backend, col(CustomAttributes), name, f)),
                    None => {
                        Err(SearchError::for_field(other, format!("'{other}' is not a searchable field")))
                    }
                };
            }
        };
        Ok(Target::Column(col(column)))
    }
}

/// The number of contacts of the `companies` row at hand (served by `contact_companies_company`).
pub(crate) fn user_count() -> Expr {
    Expr::cust(
        r#"(SELECT COUNT(*) FROM "contact_companies" WHERE "contact_companies"."company_id" = "companies"."id")"#,
    )
}
