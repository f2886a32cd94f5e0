//! Companies in the search language, for company segments: the field table (the company
//! object's fields plus the workspace's company attributes) and where each field lives in SQL.
//! Custom attributes and `tag_id` are the shared resolver's (`resolve`).

use sea_query::{Condition, Expr};

use crate::domain::data_attribute::Model;
use crate::domain::search::{Catalog, Filter, Needs, Resource, SearchError};
use crate::domain::segment::{SavedSegment, SegmentModel};
use crate::store::schema::companies::Companies;
use crate::store::search::resolve::{self, Owner, catalog};
use crate::store::search::saved_segments as segments;
use crate::store::search::{ColumnResolver, Target};
use crate::store::{Exec, StoreResult};

/// What compiling a companies query needs from the workspace.
pub(crate) struct CompanySearch {
    /// The searched table, for the fields every resource shares.
    owner: Owner,
    catalog: Catalog,
    /// The workspace's company segments, oldest first.
    pub segments: Vec<SavedSegment>,
}

impl CompanySearch {
    pub(crate) async fn load(db: &mut impl Exec, workspace_id: i64) -> StoreResult<CompanySearch> {
        let mut segments = segments::all(db, workspace_id).await?;
        segments.retain(|s| s.model == SegmentModel::Company);
        let owner = Owner::new(
            db.backend(),
            workspace_id,
            Companies::Table,
            Companies::Id,
            Companies::WorkspaceId,
            Model::Company,
        )
        .tagged_in("company_tags", "company_id");
        Ok(CompanySearch {
            owner,
            catalog: catalog(db, workspace_id, Resource::Companies, Needs::ATTRIBUTES).await?,
            segments,
        })
    }

    /// Membership of a company segment: its saved query over `companies`.
    pub(crate) fn segment_condition(&self, segment: &SavedSegment) -> Result<Condition, SearchError> {
        resolve::segment(&self.catalog, self, segment)
    }
}

impl ColumnResolver for CompanySearch {
    fn owner(&self) -> &Owner {
        &self.owner
    }

    fn resolve(&self, name: &'static str, _: &Filter) -> Result<Target, SearchError> {
        use Companies::*;
        let column = match name {
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
            other => {
                return Err(SearchError::for_field(other, format!("'{other}' is not a searchable field")));
            }
        };
        Ok(Target::Column(column.col()))
    }
}

/// The number of contacts of the `companies` row at hand (served by `contact_companies_company`).
pub(crate) fn user_count() -> Expr {
    Expr::cust(
        r#"(SELECT COUNT(*) FROM "contact_companies" WHERE "contact_companies"."company_id" = "companies"."id")"#,
    )
}
