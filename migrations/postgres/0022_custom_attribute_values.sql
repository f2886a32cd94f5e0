-- Custom attributes indexed by type. Every scalar of the `custom_attributes` JSON of contacts
-- (model 1), companies (2) and conversations (3) is one row here, in the column of its JSON
-- type: numbers (integers, floats, dates as UNIX seconds) in num_value, strings (and the JSON
-- text of an array or object, as json_extract reads them) in text_value, booleans in
-- bool_value. A search on `custom_attributes.<name>` reads one range of one typed index
-- instead of every row's JSON. Triggers keep the rows in the same transaction as every write
-- of the owner (create, update, merge, import, restore, delete), whatever code path writes it.
CREATE TABLE custom_attribute_values (
    workspace_id BIGINT NOT NULL,
    model        SMALLINT NOT NULL,
    object_id    BIGINT NOT NULL,
    name         TEXT NOT NULL,
    num_value    NUMERIC,
    text_value   TEXT,
    bool_value   BOOLEAN,
    PRIMARY KEY (model, object_id, name)
);
-- Each value lands in exactly one of these (partial) indexes; with object_id last, a filter's
-- owners come from the index alone.
CREATE INDEX custom_attribute_values_num
    ON custom_attribute_values (workspace_id, model, name, num_value, object_id) WHERE num_value IS NOT NULL;
CREATE INDEX custom_attribute_values_text
    ON custom_attribute_values (workspace_id, model, name, text_value, object_id) WHERE text_value IS NOT NULL;
CREATE INDEX custom_attribute_values_bool
    ON custom_attribute_values (workspace_id, model, name, bool_value, object_id) WHERE bool_value IS NOT NULL;


-- The GIN indexes on the JSON served only `custom_attributes.<name> =` (a containment test) of
-- contacts and companies; the typed indexes above serve every operator, and each write no
-- longer pays for both. Conversations keep theirs: renaming an attribute's option reads it.
DROP INDEX contacts_custom_attributes;
DROP INDEX companies_custom_attributes;

-- TG_ARGV[0] is the owner's model.
CREATE FUNCTION custom_attribute_values_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM custom_attribute_values WHERE model = TG_ARGV[0]::smallint AND object_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
        SELECT NEW.workspace_id, TG_ARGV[0]::smallint, NEW.id, e.key,
               CASE jsonb_typeof(e.value) WHEN 'number' THEN (e.value #>> '{}')::numeric END,
               CASE jsonb_typeof(e.value) WHEN 'string' THEN e.value #>> '{}'
                                          WHEN 'array' THEN e.value::text WHEN 'object' THEN e.value::text END,
               CASE jsonb_typeof(e.value) WHEN 'boolean' THEN (e.value #>> '{}')::boolean END
        FROM jsonb_each(NEW.custom_attributes) AS e
        WHERE jsonb_typeof(e.value) <> 'null';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER contacts_attribute_values_insert AFTER INSERT ON contacts FOR EACH ROW
    WHEN (NEW.custom_attributes <> '{}'::jsonb) EXECUTE FUNCTION custom_attribute_values_sync('1');
CREATE TRIGGER contacts_attribute_values_update AFTER UPDATE OF custom_attributes ON contacts FOR EACH ROW
    WHEN (NEW.custom_attributes IS DISTINCT FROM OLD.custom_attributes) EXECUTE FUNCTION custom_attribute_values_sync('1');
CREATE TRIGGER contacts_attribute_values_delete AFTER DELETE ON contacts FOR EACH ROW
    WHEN (OLD.custom_attributes <> '{}'::jsonb) EXECUTE FUNCTION custom_attribute_values_sync('1');

CREATE TRIGGER companies_attribute_values_insert AFTER INSERT ON companies FOR EACH ROW
    WHEN (NEW.custom_attributes <> '{}'::jsonb) EXECUTE FUNCTION custom_attribute_values_sync('2');
CREATE TRIGGER companies_attribute_values_update AFTER UPDATE OF custom_attributes ON companies FOR EACH ROW
    WHEN (NEW.custom_attributes IS DISTINCT FROM OLD.custom_attributes) EXECUTE FUNCTION custom_attribute_values_sync('2');
CREATE TRIGGER companies_attribute_values_delete AFTER DELETE ON companies FOR EACH ROW
    WHEN (OLD.custom_attributes <> '{}'::jsonb) EXECUTE FUNCTION custom_attribute_values_sync('2');

CREATE TRIGGER conversations_attribute_values_insert AFTER INSERT ON conversations FOR EACH ROW
    WHEN (NEW.custom_attributes <> '{}'::jsonb) EXECUTE FUNCTION custom_attribute_values_sync('3');
CREATE TRIGGER conversations_attribute_values_update AFTER UPDATE OF custom_attributes ON conversations FOR EACH ROW
    WHEN (NEW.custom_attributes IS DISTINCT FROM OLD.custom_attributes) EXECUTE FUNCTION custom_attribute_values_sync('3');
CREATE TRIGGER conversations_attribute_values_delete AFTER DELETE ON conversations FOR EACH ROW
    WHEN (OLD.custom_attributes <> '{}'::jsonb) EXECUTE FUNCTION custom_attribute_values_sync('3');

-- The values already stored.
INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
SELECT o.workspace_id, 1, o.id, e.key,
       CASE jsonb_typeof(e.value) WHEN 'number' THEN (e.value #>> '{}')::numeric END,
       CASE jsonb_typeof(e.value) WHEN 'string' THEN e.value #>> '{}'
                                  WHEN 'array' THEN e.value::text WHEN 'object' THEN e.value::text END,
       CASE jsonb_typeof(e.value) WHEN 'boolean' THEN (e.value #>> '{}')::boolean END
FROM contacts AS o, jsonb_each(o.custom_attributes) AS e
WHERE o.custom_attributes <> '{}'::jsonb AND jsonb_typeof(e.value) <> 'null';
INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
SELECT o.workspace_id, 2, o.id, e.key,
       CASE jsonb_typeof(e.value) WHEN 'number' THEN (e.value #>> '{}')::numeric END,
       CASE jsonb_typeof(e.value) WHEN 'string' THEN e.value #>> '{}'
                                  WHEN 'array' THEN e.value::text WHEN 'object' THEN e.value::text END,
       CASE jsonb_typeof(e.value) WHEN 'boolean' THEN (e.value #>> '{}')::boolean END
FROM companies AS o, jsonb_each(o.custom_attributes) AS e
WHERE o.custom_attributes <> '{}'::jsonb AND jsonb_typeof(e.value) <> 'null';
INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
SELECT o.workspace_id, 3, o.id, e.key,
       CASE jsonb_typeof(e.value) WHEN 'number' THEN (e.value #>> '{}')::numeric END,
       CASE jsonb_typeof(e.value) WHEN 'string' THEN e.value #>> '{}'
                                  WHEN 'array' THEN e.value::text WHEN 'object' THEN e.value::text END,
       CASE jsonb_typeof(e.value) WHEN 'boolean' THEN (e.value #>> '{}')::boolean END
FROM conversations AS o, jsonb_each(o.custom_attributes) AS e
WHERE o.custom_attributes <> '{}'::jsonb AND jsonb_typeof(e.value) <> 'null';
