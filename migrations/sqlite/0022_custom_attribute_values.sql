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
) WITHOUT ROWID;
-- Each value lands in exactly one of these (partial) indexes; with object_id last, a filter's
-- owners come from the index alone.
CREATE INDEX custom_attribute_values_num
    ON custom_attribute_values (workspace_id, model, name, num_value, object_id) WHERE num_value IS NOT NULL;
CREATE INDEX custom_attribute_values_text
    ON custom_attribute_values (workspace_id, model, name, text_value, object_id) WHERE text_value IS NOT NULL;
CREATE INDEX custom_attribute_values_bool
    ON custom_attribute_values (workspace_id, model, name, bool_value, object_id) WHERE bool_value IS NOT NULL;

CREATE TRIGGER contacts_attribute_values_insert AFTER INSERT ON contacts
WHEN new.custom_attributes <> '{}' BEGIN
    INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
    SELECT new.workspace_id, 1, new.id, key,
           CASE WHEN type IN ('integer', 'real') THEN value END,
           CASE WHEN type IN ('text', 'array', 'object') THEN value END,
           CASE type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
    FROM json_each(new.custom_attributes) WHERE type <> 'null';
END;
CREATE TRIGGER contacts_attribute_values_update AFTER UPDATE OF custom_attributes ON contacts
WHEN new.custom_attributes IS NOT old.custom_attributes BEGIN
    DELETE FROM custom_attribute_values WHERE model = 1 AND object_id = old.id;
    INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
    SELECT new.workspace_id, 1, new.id, key,
           CASE WHEN type IN ('integer', 'real') THEN value END,
           CASE WHEN type IN ('text', 'array', 'object') THEN value END,
           CASE type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
    FROM json_each(new.custom_attributes) WHERE type <> 'null';
END;
CREATE TRIGGER contacts_attribute_values_delete AFTER DELETE ON contacts
WHEN old.custom_attributes <> '{}' BEGIN
    DELETE FROM custom_attribute_values WHERE model = 1 AND object_id = old.id;
END;

CREATE TRIGGER companies_attribute_values_insert AFTER INSERT ON companies
WHEN new.custom_attributes <> '{}' BEGIN
    INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
    SELECT new.workspace_id, 2, new.id, key,
           CASE WHEN type IN ('integer', 'real') THEN value END,
           CASE WHEN type IN ('text', 'array', 'object') THEN value END,
           CASE type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
    FROM json_each(new.custom_attributes) WHERE type <> 'null';
END;
CREATE TRIGGER companies_attribute_values_update AFTER UPDATE OF custom_attributes ON companies
WHEN new.custom_attributes IS NOT old.custom_attributes BEGIN
    DELETE FROM custom_attribute_values WHERE model = 2 AND object_id = old.id;
    INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
    SELECT new.workspace_id, 2, new.id, key,
           CASE WHEN type IN ('integer', 'real') THEN value END,
           CASE WHEN type IN ('text', 'array', 'object') THEN value END,
           CASE type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
    FROM json_each(new.custom_attributes) WHERE type <> 'null';
END;
CREATE TRIGGER companies_attribute_values_delete AFTER DELETE ON companies
WHEN old.custom_attributes <> '{}' BEGIN
    DELETE FROM custom_attribute_values WHERE model = 2 AND object_id = old.id;
END;

CREATE TRIGGER conversations_attribute_values_insert AFTER INSERT ON conversations
WHEN new.custom_attributes <> '{}' BEGIN
    INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
    SELECT new.workspace_id, 3, new.id, key,
           CASE WHEN type IN ('integer', 'real') THEN value END,
           CASE WHEN type IN ('text', 'array', 'object') THEN value END,
           CASE type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
    FROM json_each(new.custom_attributes) WHERE type <> 'null';
END;
CREATE TRIGGER conversations_attribute_values_update AFTER UPDATE OF custom_attributes ON conversations
WHEN new.custom_attributes IS NOT old.custom_attributes BEGIN
    DELETE FROM custom_attribute_values WHERE model = 3 AND object_id = old.id;
    INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
    SELECT new.workspace_id, 3, new.id, key,
           CASE WHEN type IN ('integer', 'real') THEN value END,
           CASE WHEN type IN ('text', 'array', 'object') THEN value END,
           CASE type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
    FROM json_each(new.custom_attributes) WHERE type <> 'null';
END;
CREATE TRIGGER conversations_attribute_values_delete AFTER DELETE ON conversations
WHEN old.custom_attributes <> '{}' BEGIN
    DELETE FROM custom_attribute_values WHERE model = 3 AND object_id = old.id;
END;

-- The values already stored.
INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
SELECT o.workspace_id, 1, o.id, j.key,
       CASE WHEN j.type IN ('integer', 'real') THEN j.value END,
       CASE WHEN j.type IN ('text', 'array', 'object') THEN j.value END,
       CASE j.type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
FROM contacts AS o, json_each(o.custom_attributes) AS j
WHERE o.custom_attributes <> '{}' AND j.type <> 'null';
INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
SELECT o.workspace_id, 2, o.id, j.key,
       CASE WHEN j.type IN ('integer', 'real') THEN j.value END,
       CASE WHEN j.type IN ('text', 'array', 'object') THEN j.value END,
       CASE j.type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
FROM companies AS o, json_each(o.custom_attributes) AS j
WHERE o.custom_attributes <> '{}' AND j.type <> 'null';
INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
SELECT o.workspace_id, 3, o.id, j.key,
       CASE WHEN j.type IN ('integer', 'real') THEN j.value END,
       CASE WHEN j.type IN ('text', 'array', 'object') THEN j.value END,
       CASE j.type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
FROM conversations AS o, json_each(o.custom_attributes) AS j
WHERE o.custom_attributes <> '{}' AND j.type <> 'null';
