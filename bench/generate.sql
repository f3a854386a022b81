-- Bulk-load N commercial partners, M confirmed sale orders and M posted
-- customer invoices (with a few refunds) skewed like real sales, over three
-- years, plus open opportunities for some prospects.  Plain SQL, no ORM.
-- psql variables: :n (partners), :m (orders and invoices), :seed (0..1)
SELECT setseed(:seed);

-- The rows below reference only rows that exist: a superuser loads them
-- without the foreign keys' per-row checks (queued for every inserted row,
-- they took longer than the load itself at 10 million orders).
SELECT rolsuper AS bench_superuser FROM pg_roles WHERE rolname = current_user \gset
\if :bench_superuser
SET session_replication_role = replica;
\endif

CREATE TEMP TABLE bench_partner AS
SELECT nextval('res_partner_id_seq') AS id, g AS rank
  FROM generate_series(1, :n) g;

INSERT INTO res_partner (id, name, complete_name, commercial_partner_id, active, is_company,
                         partner_share, customer_rank, supplier_rank, type, autopost_bills,
                         email, email_normalized, create_date, write_date, create_uid, write_uid)
SELECT id, 'Bench customer ' || rank, 'Bench customer ' || rank, id, TRUE, TRUE,
       TRUE, 1, 0, 'contact', 'ask',
       'c' || rank || '@bench.example', 'c' || rank || '@bench.example',
       now(), now(), 1, 1
  FROM bench_partner;

-- Pareto-like skew: the partner of each order is drawn with density falling
-- fast with its rank; 10 % of the partners never buy (prospects).
CREATE TEMP TABLE bench_order AS
SELECT g AS k,
       base.b + 1 + floor(power(random(), 3) * (:n * 0.9))::int AS partner_id,
       (now() - random() * interval '1095 days')::timestamp AS date_order,
       round((20 + power(random(), 2) * 2000)::numeric, 2) AS amount
  FROM generate_series(1, :m) g,
       (SELECT min(id) - 1 AS b FROM bench_partner) base;

-- Bulk loading: the secondary indexes of the two large tables are dropped
-- and built again after the load (one sort each, instead of tens of millions
-- of random index inserts through a small shared_buffers).  Indexes that
-- back a constraint stay.
CREATE TEMP TABLE bench_index AS
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
  FROM pg_index i
 WHERE i.indrelid IN ('sale_order'::regclass, 'account_move'::regclass)
   AND NOT i.indisprimary
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
DO $$DECLARE r record; BEGIN
    FOR r IN SELECT name FROM bench_index LOOP EXECUTE 'DROP INDEX ' || r.name; END LOOP;
END$$;

INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, date_order,
                        state, company_id, currency_id, amount_untaxed, amount_tax, amount_total,
                        create_date, write_date, create_uid, write_uid)
SELECT 'BENCH-SO-' || k, partner_id, partner_id, partner_id, date_order,
       'sale', 1, 1, amount, 0, amount, now(), now(), 1, 1
  FROM bench_order;

INSERT INTO account_move (name, move_type, state, date, invoice_date, partner_id,
                          commercial_partner_id, company_id, currency_id, journal_id, auto_post,
                          amount_untaxed, amount_total, amount_untaxed_signed, amount_total_signed,
                          amount_residual, amount_residual_signed, payment_state,
                          create_date, write_date, create_uid, write_uid)
SELECT 'BENCH/INV/' || k, CASE WHEN k % 50 = 0 THEN 'out_refund' ELSE 'out_invoice' END, 'posted',
       date_order::date, date_order::date, partner_id, partner_id, 1, 1,
       (SELECT id FROM account_journal WHERE type = 'sale' ORDER BY id LIMIT 1), 'no',
       amount, amount, CASE WHEN k % 50 = 0 THEN -amount ELSE amount END,
       CASE WHEN k % 50 = 0 THEN -amount ELSE amount END, 0, 0, 'paid', now(), now(), 1, 1
  FROM bench_order;

SET maintenance_work_mem = '1GB';
DO $$DECLARE r record; BEGIN
    FOR r IN SELECT def FROM bench_index LOOP EXECUTE r.def; END LOOP;
END$$;
RESET maintenance_work_mem;

INSERT INTO crm_lead (name, type, partner_id, probability, active, stage_id, user_id,
                      create_date, write_date, date_last_stage_update, create_uid, write_uid)
SELECT 'Bench opportunity ' || p.rank, 'opportunity', p.id, (p.rank % 10) * 10, TRUE,
       (SELECT id FROM crm_stage WHERE NOT is_won ORDER BY sequence LIMIT 1), 2,
       now(), now(), now() - (p.rank % 90) * interval '1 day', 1, 1
  FROM bench_partner p
 WHERE p.rank > :n * 0.9;

RESET session_replication_role;

VACUUM ANALYZE res_partner;
VACUUM ANALYZE sale_order;
VACUUM ANALYZE account_move;
VACUUM ANALYZE crm_lead;
