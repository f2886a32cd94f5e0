//! `POST /contacts/merge`: a lead folded into a user, in one transaction. What the lead had
//! moves to the user, the user's own values win, and the lead is deleted.

use sea_query::{Alias, Expr, ExprTrait, OnConflict, Order, Query};
use serde_json::Value as Json;

use super::{find_id, lock, reads};
use crate::domain::contact::{Contact, MergeHistoryItem, Rejection, Role};
use crate::domain::webhook;
use crate::store::backend::rows::unindexed;
use crate::store::schema::contacts::{ContactMerges, Contacts};
use crate::store::schema::events::{EventSummaries, Events};
use crate::store::schema::notes::Notes;
use crate::store::webhooks;
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

/// Re-points at `into` every record that points at the contact `from`: its tags, companies
/// and subscription choices (those `into` does not already have; the rest go when `from` is
/// deleted), its notes and its conversations. Later resources that belong to a contact
/// (events) move theirs here too, so that a merge keeps everything the lead had.
pub(crate) async fn move_contact_records(db: &mut impl Exec, from: i64, into: i64) -> StoreResult<()> {
    // (table, owner column, the other key columns)
    let links: [(&str, &str, &[&str]); 3] = [
        ("contact_tags", "contact_id", &["tag_id", "applied_at", "applied_by"]),
        ("contact_companies", "contact_id", &["company_id", "created_at"]),
        ("contact_subscriptions", "contact_id", &["subscription_type_id", "created_at"]),
    ];
    for (table, owner, rest) in links {
        let mut select = Query::select();
        select
            .expr(Expr::val(into))
            .columns(rest.iter().copied())
            .from(table)
            .and_where(Expr::col(owner).eq(from));
        let mut columns = vec![owner];
        columns.extend_from_slice(rest);
        db.execute(
            Query::insert()
                .into_table(table)
                .columns(columns)
                .select_from(select)
                .expect("the select has one expression per column")
                .on_conflict(OnConflict::columns([owner, rest[0]]).do_nothing().to_owned()),
        )
        .await?;
    }
    db.execute(Notes::update([(Notes::ContactId, into.into())]).where_eq(Notes::ContactId, from)).await?;
    move_events(db, from, into).await?;
    crate::store::conversations::participants::move_to_contact(db, from, into).await?;
    Ok(())
}

/// Moves the events and imported summaries of contact `from` to contact `into` (a merge).
/// An event `into` already has (same name and time) is a duplicate: `into` keeps its own, and
/// `from`'s goes when `from` is deleted. Imported summaries of the same name add up.
async fn move_events(db: &mut impl Exec, from: i64, into: i64) -> StoreResult<()> {
    let theirs = Alias::new("theirs");
    let duplicate = Query::select()
        .expr(Expr::val(1))
        .from_as(Events::Table, theirs.clone())
        .and_where(
            Expr::col((theirs.clone(), Events::WorkspaceId)).equals((Events::Table, Events::WorkspaceId)),
        )
        .and_where(Expr::col((theirs.clone(), Events::ContactId)).eq(into))
        .and_where(Expr::col((theirs.clone(), Events::EventName)).equals((Events::Table, Events::EventName)))
        .and_where(Expr::col((theirs, Events::CreatedAt)).equals((Events::Table, Events::CreatedAt)))
        .take();
    db.execute(
        Events::update([(Events::ContactId, into.into())])
            .and_where(Expr::col((Events::Table, Events::ContactId)).eq(from))
            .and_where(Expr::exists(duplicate).not()),
    )
    .await?;

    // Imported summaries: the lead's join the user's, adding up where both have the name.
    let summary = |c: EventSummaries| Expr::col((EventSummaries::Table, c));
    let excluded = |c: EventSummaries| Expr::col((Alias::new("excluded"), c));
    // The earlier `first_at`, the later `last_at`, of the two.
    let earliest_or_latest = |c: EventSummaries, earliest: bool| {
        let wins = if earliest { excluded(c).lt(summary(c)) } else { excluded(c).gt(summary(c)) };
        (c, Expr::case(wins, excluded(c)).finally(summary(c)).into())
    };
    let columns = [
        EventSummaries::WorkspaceId,
        EventSummaries::ContactId,
        EventSummaries::EventName,
        EventSummaries::Count,
        EventSummaries::FirstAt,
        EventSummaries::LastAt,
    ];
    let lead_summaries = Query::select()
        .column(EventSummaries::WorkspaceId)
        .expr(Expr::val(into))
        .columns(columns[2..].iter().copied())
        .from(EventSummaries::Table)
        .where_eq(EventSummaries::ContactId, from)
        .take();
    db.execute(
        Query::insert()
            .into_table(EventSummaries::Table)
            .columns(columns)
            .select_from(lead_summaries)
            .expect("the select has one expression per column")
            .on_conflict(
                OnConflict::columns([
                    EventSummaries::WorkspaceId,
                    EventSummaries::ContactId,
                    EventSummaries::EventName,
                ])
                .values([
                    (
                        EventSummaries::Count,
                        summary(EventSummaries::Count).add(excluded(EventSummaries::Count)),
                    ),
                    earliest_or_latest(EventSummaries::FirstAt, true),
                    earliest_or_latest(EventSummaries::LastAt, false),
                ])
                .to_owned(),
            ),
    )
    .await?;
    Ok(())
}

impl Store {
    /// Merges the lead `from` into the user `into` and returns the user.
    pub async fn merge_contacts(&self, workspace_id: i64, from: &str, into: &str) -> StoreResult<Contact> {
        let mut tx = self.begin().await?;
        let lead_id = find_id(&mut tx, workspace_id, from).await?;
        let user_id = find_id(&mut tx, workspace_id, into).await?;
        lock(&mut tx, lead_id).await?;
        lock(&mut tx, user_id).await?;
        let lead = reads::get(&mut tx, workspace_id, lead_id).await?;
        let user = reads::get(&mut tx, workspace_id, user_id).await?;
        if lead.id == user.id {
            return Err(Rejection::MergeIntoItself.into());
        }
        if lead.role != Role::Lead {
            return Err(Rejection::MergeFromNotLead.into());
        }
        if user.role != Role::User {
            return Err(Rejection::MergeIntoNotUser.into());
        }

        let mut values: Vec<(Contacts, Expr)> = vec![(Contacts::UpdatedAt, now().into())];
        let mut text = |column, mine: &Option<String>, theirs: &Option<String>| {
            if mine.is_none() && theirs.is_some() {
                values.push((column, theirs.clone().into()));
            }
        };
        text(Contacts::Name, &user.name, &lead.name);
        text(Contacts::Phone, &user.phone, &lead.phone);
        text(Contacts::FormattedPhone, &user.formatted_phone, &lead.formatted_phone);
        text(Contacts::Avatar, &user.avatar, &lead.avatar);
        text(Contacts::LanguageOverride, &user.language_override, &lead.language_override);
        text(Contacts::Browser, &user.browser, &lead.browser);
        text(Contacts::BrowserVersion, &user.browser_version, &lead.browser_version);
        text(Contacts::BrowserLanguage, &user.browser_language, &lead.browser_language);
        text(Contacts::Os, &user.os, &lead.os);
        text(Contacts::LocationCountry, &user.location.country, &lead.location.country);
        text(Contacts::LocationRegion, &user.location.region, &lead.location.region);
        text(Contacts::LocationCity, &user.location.city, &lead.location.city);
        text(Contacts::LocationCountryCode, &user.location.country_code, &lead.location.country_code);
        text(Contacts::LocationContinentCode, &user.location.continent_code, &lead.location.continent_code);
        text(Contacts::UtmCampaign, &user.utm_campaign, &lead.utm_campaign);
        text(Contacts::UtmContent, &user.utm_content, &lead.utm_content);
        text(Contacts::UtmMedium, &user.utm_medium, &lead.utm_medium);
        text(Contacts::UtmSource, &user.utm_source, &lead.utm_source);
        text(Contacts::UtmTerm, &user.utm_term, &lead.utm_term);
        text(Contacts::Referrer, &user.referrer, &lead.referrer);
        let mut number = |column, mine: Option<i64>, theirs: Option<i64>| {
            if mine.is_none() && theirs.is_some() {
                values.push((column, theirs.into()));
            }
        };
        number(Contacts::OwnerId, user.owner_id, lead.owner_id);
        number(Contacts::SignedUpAt, user.signed_up_at, lead.signed_up_at);
        // Activity dates: the latest of the two.
        for (column, mine, theirs) in [
            (Contacts::LastSeenAt, user.last_seen_at, lead.last_seen_at),
            (Contacts::LastRepliedAt, user.last_replied_at, lead.last_replied_at),
            (Contacts::LastContactedAt, user.last_contacted_at, lead.last_contacted_at),
            (Contacts::LastEmailOpenedAt, user.last_email_opened_at, lead.last_email_opened_at),
            (Contacts::LastEmailClickedAt, user.last_email_clicked_at, lead.last_email_clicked_at),
        ] {
            if theirs > mine {
                values.push((column, theirs.into()));
            }
        }
        // An opt-out or a bounce on either record holds for the person.
        values.push((
            Contacts::UnsubscribedFromEmails,
            (user.unsubscribed_from_emails || lead.unsubscribed_from_emails).into(),
        ));
        values.push((Contacts::HasHardBounced, (user.has_hard_bounced || lead.has_hard_bounced).into()));
        values.push((
            Contacts::MarkedEmailAsSpam,
            (user.marked_email_as_spam || lead.marked_email_as_spam).into(),
        ));
        let mut custom = user.custom_attributes.clone();
        for (name, value) in lead.custom_attributes {
            custom.entry(name).or_insert(value);
        }
        values.push((Contacts::CustomAttributes, Expr::val(Json::Object(custom))));

        tx.execute(Contacts::update(values).where_eq(Contacts::Id, user_id)).await?;
        move_contact_records(&mut tx, lead_id, user_id).await?;
        tx.execute(&ContactMerges::insert([
            (ContactMerges::ContactId, user_id.into()),
            (ContactMerges::SourceContactId, lead.id.clone().into()),
            (ContactMerges::SourceRole, lead.role.as_str().into()),
            (ContactMerges::SourceExternalId, lead.external_id.clone().into()),
            (ContactMerges::MergedAt, now().into()),
        ]))
        .await?;
        tx.execute(Contacts::delete().where_eq(Contacts::Id, lead_id)).await?;
        let merged = reads::get(&mut tx, workspace_id, user_id).await?;
        webhooks::notify(&mut tx, workspace_id, webhook::CONTACT_MERGED, &merged).await?;
        tx.commit().await?;
        Ok(merged)
    }

    /// Fills in `merge_history` for the users among `contacts` (one query); leads have none.
    pub async fn add_merge_history(&self, workspace_id: i64, contacts: &mut [Contact]) -> StoreResult<()> {
        let users: Vec<String> =
            contacts.iter().filter(|c| c.role == Role::User).map(|c| c.id.clone()).collect();
        if users.is_empty() {
            return Ok(());
        }
        let rows: Vec<(String, String, String, i64)> = self
            .conn()
            .await?
            .fetch_all(
                Query::select()
                    .exprs([
                        Contacts::PublicId.col(),
                        ContactMerges::SourceContactId.col(),
                        ContactMerges::SourceRole.col(),
                        ContactMerges::MergedAt.col(),
                    ])
                    .from(ContactMerges::Table)
                    .inner_join(
                        Contacts::Table,
                        Contacts::Id.col().equals((ContactMerges::Table, ContactMerges::ContactId)),
                    )
                    .and_where(unindexed(self.backend(), Contacts::WorkspaceId.col()).eq(workspace_id))
                    .and_where(Contacts::PublicId.col().is_in(users))
                    .order_by((ContactMerges::Table, ContactMerges::MergedAt), Order::Asc),
            )
            .await?;
        for contact in contacts.iter_mut().filter(|c| c.role == Role::User) {
            let history = rows
                .iter()
                .filter(|(into, ..)| *into == contact.id)
                .map(|(_, source, role, at)| MergeHistoryItem {
                    kind: "merge_history",
                    source_contact_id: source.clone(),
                    source_contact_role: Role::parse(role).unwrap_or(Role::Lead),
                    merged_at: Some(*at),
                })
                .collect();
            contact.merge_history = Some(history);
        }
        Ok(())
    }
}
