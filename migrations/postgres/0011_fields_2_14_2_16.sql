-- Fields that API versions 2.14 and 2.16 add to admins, conversations, their parts and contacts.

-- `PUT /admins/{id}/away`'s `away_status_reason_id`, kept while the admin is away.
ALTER TABLE admins ADD COLUMN away_status_reason_id BIGINT;

-- `PUT /conversations/{id}`'s `company_id` (the conversation's company) and
-- `POST /conversations`' `brand_id`.
ALTER TABLE conversations ADD COLUMN company_id BIGINT REFERENCES companies(id) ON DELETE SET NULL;
ALTER TABLE conversations ADD COLUMN brand_id TEXT;
-- A JSON array: each team assignment and how long the team took to reply
-- (`assigned_team_first_response_time`).
ALTER TABLE conversations ADD COLUMN team_responses TEXT NOT NULL DEFAULT '[]';

-- The conversation's state when the part was written, and the part's metadata (a JSON object:
-- the quick reply options an admin offered, or the one a contact chose).
ALTER TABLE conversation_parts ADD COLUMN state TEXT NOT NULL DEFAULT 'open';
ALTER TABLE conversation_parts ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';

-- `email_verified` of contact create and update: null until a request sets it.
ALTER TABLE contacts ADD COLUMN email_verified BOOLEAN;

-- `contact.merge_history`: the contacts merged into a contact.
CREATE TABLE contact_merges (
    contact_id        BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    source_contact_id TEXT NOT NULL,
    source_role       TEXT NOT NULL,
    merged_at         BIGINT NOT NULL
);
CREATE INDEX contact_merges_contact ON contact_merges (contact_id, merged_at);

-- Whether Fin, Copilot and the sales agent may use an article's content (2.16).
ALTER TABLE article_contents ADD COLUMN ai_chatbot_availability BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE article_contents ADD COLUMN ai_copilot_availability BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE article_contents ADD COLUMN ai_sales_agent_availability BOOLEAN NOT NULL DEFAULT TRUE;
-- The markdown a content's body was written from (2.16's `body_markdown`); null when the body
-- was sent as HTML.
ALTER TABLE article_contents ADD COLUMN body_markdown TEXT;
-- The admins who made and last changed each content (2.16); null for contents written before.
ALTER TABLE article_contents ADD COLUMN created_by_id BIGINT;
ALTER TABLE article_contents ADD COLUMN updated_by_id BIGINT;
