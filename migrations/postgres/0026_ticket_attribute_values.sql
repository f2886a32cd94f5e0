-- Ticket attributes in the typed index of migration 0022, as model 4 (the ticket's
-- conversation id is the object): a search on `ticket_attribute.<name>` (and title,
-- description) reads one range of one typed index instead of every ticket's JSON.
-- `ticket_attributes` is JSON kept as text.
CREATE FUNCTION ticket_attribute_values_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM custom_attribute_values WHERE model = 4 AND object_id = OLD.conversation_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
        SELECT NEW.workspace_id, 4, NEW.conversation_id, e.key,
               CASE jsonb_typeof(e.value) WHEN 'number' THEN (e.value #>> '{}')::numeric END,
               CASE jsonb_typeof(e.value) WHEN 'string' THEN e.value #>> '{}'
                                          WHEN 'array' THEN e.value::text WHEN 'object' THEN e.value::text END,
               CASE jsonb_typeof(e.value) WHEN 'boolean' THEN (e.value #>> '{}')::boolean END
        FROM jsonb_each(NEW.ticket_attributes::jsonb) AS e
        WHERE jsonb_typeof(e.value) <> 'null';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tickets_attribute_values_insert AFTER INSERT ON tickets FOR EACH ROW
    WHEN (NEW.ticket_attributes <> '{}') EXECUTE FUNCTION ticket_attribute_values_sync();
CREATE TRIGGER tickets_attribute_values_update AFTER UPDATE OF ticket_attributes ON tickets FOR EACH ROW
    WHEN (NEW.ticket_attributes IS DISTINCT FROM OLD.ticket_attributes) EXECUTE FUNCTION ticket_attribute_values_sync();
CREATE TRIGGER tickets_attribute_values_delete AFTER DELETE ON tickets FOR EACH ROW
    WHEN (OLD.ticket_attributes <> '{}') EXECUTE FUNCTION ticket_attribute_values_sync();

-- The values already stored.
INSERT INTO custom_attribute_values (workspace_id, model, object_id, name, num_value, text_value, bool_value)
SELECT o.workspace_id, 4, o.conversation_id, e.key,
       CASE jsonb_typeof(e.value) WHEN 'number' THEN (e.value #>> '{}')::numeric END,
       CASE jsonb_typeof(e.value) WHEN 'string' THEN e.value #>> '{}'
                                  WHEN 'array' THEN e.value::text WHEN 'object' THEN e.value::text END,
       CASE jsonb_typeof(e.value) WHEN 'boolean' THEN (e.value #>> '{}')::boolean END
FROM tickets AS o, jsonb_each(o.ticket_attributes::jsonb) AS e
WHERE o.ticket_attributes <> '{}' AND jsonb_typeof(e.value) <> 'null';
