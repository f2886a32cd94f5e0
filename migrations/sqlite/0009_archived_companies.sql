-- `DELETE /companies/{id}` "does not permanently remove the company. It archives the company
-- record and detaches any contacts attached to it": an archived company keeps its row (and
-- its `company_id`, which a later create brings back) but no read shows it.
ALTER TABLE companies ADD COLUMN archived_at BIGINT;
