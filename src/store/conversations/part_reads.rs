//! Reading a conversation's parts: one conversation's, or a page of conversations' at once.

use std::collections::HashMap;

use sea_query::{Alias, Expr, ExprTrait, Order, Query};

use super::reads::{People, attachments};
use crate::domain::conversation::{MAX_PARTS, Part, Reference, State};
use crate::domain::pages::{NamedList, TotalCount};
use crate::store::schema::conversations::{ConversationParts, PartRow};
use crate::store::{Exec, StoreResult, WhereEq};

/// A part row as the conversation shows it.
pub(super) fn part(r: PartRow, people: &People) -> Part {
    Part {
        kind: "conversation_part",
        id: r.id,
        author: people.author(&r.author_type, r.author_admin_id, r.author_contact_id),
        part_type: r.part_type,
        body: r.body,
        created_at: r.created_at,
        updated_at: r.updated_at,
        notified_at: r.notified_at,
        assigned_to: r.assigned_to_type.map(|kind| match kind.as_str() {
            "admin" => Reference::admin(r.assigned_to_id.unwrap_or_default()),
            "team" => Reference::team(r.assigned_to_id.unwrap_or_default()),
            _ => Reference::nobody(),
        }),
        attachments: attachments(&r.attachments),
        external_id: None,
        redacted: r.redacted,
        state: State::parse(&r.state).unwrap_or(State::Open),
        tags: Vec::new(),
        metadata: serde_json::from_str(&r.metadata).unwrap_or_default(),
        app_package_code: None,
        email_message_metadata: None,
        event_details: None,
    }
}

/// Part rows as parts, their authors fetched at once.
pub(super) async fn parts_of_rows(db: &mut impl Exec, rows: Vec<PartRow>) -> StoreResult<Vec<Part>> {
    let people = People::load(
        db,
        rows.iter().filter_map(|r| r.author_admin_id).collect(),
        rows.iter().filter_map(|r| r.author_contact_id).collect(),
    )
    .await?;
    Ok(rows.into_iter().map(|r| part(r, &people)).collect())
}

/// The newest [`MAX_PARTS`] parts, oldest first, and how many there are in all.
pub(super) async fn parts(
    db: &mut impl Exec,
    conversation_id: i64,
) -> StoreResult<NamedList<Part, TotalCount>> {
    let total: i64 = db
        .fetch_scalar(
            Query::select()
                .expr(Expr::col(ConversationParts::Id).count())
                .from(ConversationParts::Table)
                .where_eq(ConversationParts::ConversationId, conversation_id),
        )
        .await?;
    let mut rows: Vec<PartRow> = db
        .fetch_all(
            ConversationParts::select_all(&mut Query::select())
                .from(ConversationParts::Table)
                .where_eq(ConversationParts::ConversationId, conversation_id)
                .order_by(ConversationParts::Id, Order::Desc)
                .limit(MAX_PARTS as u64),
        )
        .await?;
    rows.reverse();
    let conversation_parts = parts_of_rows(db, rows).await?;
    Ok(NamedList::with(conversation_parts, TotalCount { total_count: total }))
}

/// [`parts`] of each of the conversations `ids`, in three statements whatever their number:
/// the counts, the newest [`MAX_PARTS`] rows of each (ranked by a window), their authors.
pub(super) async fn parts_of_many(
    db: &mut impl Exec,
    ids: &[i64],
) -> StoreResult<HashMap<i64, NamedList<Part, TotalCount>>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let totals: HashMap<i64, i64> = db
        .fetch_all::<(i64, i64)>(
            Query::select()
                .column(ConversationParts::ConversationId)
                .expr(Expr::col(ConversationParts::Id).count())
                .from(ConversationParts::Table)
                .and_where(ConversationParts::ConversationId.col().is_in(ids.iter().copied()))
                .group_by_col(ConversationParts::ConversationId),
        )
        .await?
        .into_iter()
        .collect();
    let rank = Alias::new("part_rank");
    let ranked = Query::select()
        .column(ConversationParts::Id)
        .expr_as(
            Expr::cust("ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY id DESC)"),
            rank.clone(),
        )
        .from(ConversationParts::Table)
        .and_where(ConversationParts::ConversationId.col().is_in(ids.iter().copied()))
        .take();
    let newest = Query::select()
        .column(ConversationParts::Id)
        .from_subquery(ranked, Alias::new("ranked"))
        .and_where(Expr::col(rank).lte(MAX_PARTS))
        .take();
    let rows: Vec<PartRow> = db
        .fetch_all(
            ConversationParts::select_all(&mut Query::select())
                .from(ConversationParts::Table)
                .and_where(ConversationParts::Id.col().in_subquery(newest))
                .order_by(ConversationParts::ConversationId, Order::Asc)
                .order_by(ConversationParts::Id, Order::Asc),
        )
        .await?;
    let owners: Vec<i64> = rows.iter().map(|r| r.conversation_id).collect();
    let mut grouped: HashMap<i64, Vec<Part>> = HashMap::new();
    for (owner, part) in owners.into_iter().zip(parts_of_rows(db, rows).await?) {
        grouped.entry(owner).or_default().push(part);
    }
    for &id in ids {
        let items = grouped.remove(&id).unwrap_or_default();
        let total_count = totals.get(&id).copied().unwrap_or(0);
        out.insert(id, NamedList::with(items, TotalCount { total_count }));
    }
    Ok(out)
}
