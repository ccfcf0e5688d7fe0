-- Room for heap-only (HOT) updates on the two rows every command rewrites.
--
-- A command moves its stream's `version` and rewrites its employee's `version` and `updated_at`. None of those
-- columns is indexed, so PostgreSQL can keep the new row version on the same page and skip every index, but only if
-- the page has free space. At the default fillfactor of 100 a bulk-loaded table has none, so each first update of a
-- row also inserted into every index (for `employees`: the primary key, the email index and two trigram indexes).
-- Pages written from now on keep 15% free; `VACUUM FULL` applies it to pages already written.
ALTER TABLE streams SET (fillfactor = 85);
ALTER TABLE employees SET (fillfactor = 85);
