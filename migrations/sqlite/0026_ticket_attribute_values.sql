-- Ticket attributes in the typed index of migration 0022, as model 4 (the ticket's
-- conversation id is the object): a search on `ticket_attribute.<name>` (and title,
-- description) reads one range of one typed index instead of every ticket's JSON.
CREATE TRIGGER tickets_attribute_values_insert AFTER INSERT ON tickets
WHEN new.ticket_attributes <> '{}' BEGIN
    INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
    SELECT new.workspace_id, 4, new.conversation_id, key,
           CASE WHEN type IN ('integer', 'real') THEN value END,
           CASE WHEN type IN ('text', 'array', 'object') THEN value END,
           CASE type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
    FROM json_each(new.ticket_attributes) WHERE type <> 'null';
END;
CREATE TRIGGER tickets_attribute_values_update AFTER UPDATE OF ticket_attributes ON tickets
WHEN new.ticket_attributes IS NOT old.ticket_attributes BEGIN
    DELETE FROM custom_attribute_values WHERE model = 4 AND object_id = old.conversation_id;
    INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
    SELECT new.workspace_id, 4, new.conversation_id, key,
           CASE WHEN type IN ('integer', 'real') THEN value END,
           CASE WHEN type IN ('text', 'array', 'object') THEN value END,
           CASE type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
    FROM json_each(new.ticket_attributes) WHERE type <> 'null';
END;
CREATE TRIGGER tickets_attribute_values_delete AFTER DELETE ON tickets
WHEN old.ticket_attributes <> '{}' BEGIN
    DELETE FROM custom_attribute_values WHERE model = 4 AND object_id = old.conversation_id;
END;

-- The values already stored.
INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
SELECT o.workspace_id, 4, o.conversation_id, j.key,
       CASE WHEN j.type IN ('integer', 'real') THEN j.value END,
       CASE WHEN j.type IN ('text', 'array', 'object') THEN j.value END,
       CASE j.type WHEN 'true' THEN 1 WHEN 'false' THEN 0 END
FROM tickets AS o, json_each(o.ticket_attributes) AS j
WHERE o.ticket_attributes <> '{}' AND j.type <> 'null';
