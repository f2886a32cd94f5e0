-- GIN indexes (trigrams of contacts' name, email and phone; custom attributes) keep a short
-- pending list. GIN queues new entries in a pending list that every search through the index
-- reads whole, until VACUUM, autoanalyze or a list over gin_pending_list_limit (4 MB by
-- default) moves them into the index. With autovacuum off, a 10k-contact workspace loaded
-- through the API had every entry of these indexes pending: a trigram lookup cost more than a
-- scan of the table, so the planner scanned it (POST /contacts/search with name ~ OR email ~:
-- its count took 9-14 ms, 0.8 ms with the lists empty). At 64 kB (the least allowed) a search
-- reads at most 8 pending pages, and writes still go in batches: fastupdate = off gave the
-- same searches but cost 28% of POST /contacts and 35% of PUT /contacts/{id} per second.

ALTER INDEX contacts_name_trgm SET (gin_pending_list_limit = 64);
ALTER INDEX contacts_email_trgm SET (gin_pending_list_limit = 64);
ALTER INDEX contacts_phone_trgm SET (gin_pending_list_limit = 64);
ALTER INDEX contacts_custom_attributes SET (gin_pending_list_limit = 64);
ALTER INDEX companies_custom_attributes SET (gin_pending_list_limit = 64);
ALTER INDEX conversations_custom_attributes SET (gin_pending_list_limit = 64);

-- A new limit applies from the next insert; a list already longer is emptied here.
SELECT gin_clean_pending_list(index_name::regclass)
FROM (VALUES ('contacts_name_trgm'), ('contacts_email_trgm'), ('contacts_phone_trgm'),
             ('contacts_custom_attributes'), ('companies_custom_attributes'),
             ('conversations_custom_attributes')) AS gin(index_name);
