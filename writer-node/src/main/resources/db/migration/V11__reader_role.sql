-- crawlocr_reader: the role crawlctl and the web console read as (SET ROLE crawlocr_reader after connecting). It may
-- read every table of this schema, also those later migrations add, and write none. A login of its own for the
-- console (CREATE ROLE console LOGIN PASSWORD '...' IN ROLE crawlocr_reader) then cannot write even by mistake.
-- Roles belong to the server, not the database: the role is created once, the grants are made in every database.
-- A writer whose user may not create roles leaves it to an administrator (the README says how), and starts.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crawlocr_reader') THEN
        BEGIN
            CREATE ROLE crawlocr_reader NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL; -- another database's writer made it just now
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'crawlocr_reader not created: % may not create roles', current_user;
                RETURN;
        END;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO crawlocr_reader', current_schema());
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO crawlocr_reader', current_schema());
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO crawlocr_reader', current_schema());
    IF NOT pg_has_role(current_user, 'crawlocr_reader', 'MEMBER') THEN
        BEGIN
            EXECUTE format('GRANT crawlocr_reader TO %I', current_user);
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'crawlocr_reader not granted to %: an administrator may grant it', current_user;
        END;
    END IF;
END
$$;
