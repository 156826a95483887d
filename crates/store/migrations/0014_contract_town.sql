-- Town-scoped contract statistics: registered contracts summed per town, per
-- registration day and per value of each dimension (dim = category, subtype,
-- field, seller_type, buyer_type), kept by the store in the same transaction as
-- contract_day_sum. A town-scoped user's statistics read days × keys rows of its
-- towns, whatever the number of contracts. Contracts without a town sum under ''.
CREATE TABLE contract_town_day_sum (
    town TEXT NOT NULL,
    dim TEXT NOT NULL,
    day TEXT NOT NULL,
    key TEXT NOT NULL,
    n BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    tech_fen BIGINT NOT NULL,
    CONSTRAINT contract_town_day_sum_pkey PRIMARY KEY (town, dim, day, key)
);

INSERT INTO contract_town_day_sum (town, dim, day, key, n, amount_fen, tech_fen)
SELECT COALESCE(town, ''), 'category', registered_on, category, COUNT(*), CAST(SUM(amount_fen) AS BIGINT), CAST(SUM(tech_verified_fen) AS BIGINT)
FROM contract WHERE status = 'registered' AND registered_on IS NOT NULL
GROUP BY COALESCE(town, ''), registered_on, category;
INSERT INTO contract_town_day_sum (town, dim, day, key, n, amount_fen, tech_fen)
SELECT COALESCE(town, ''), 'subtype', registered_on, subtype, COUNT(*), CAST(SUM(amount_fen) AS BIGINT), CAST(SUM(tech_verified_fen) AS BIGINT)
FROM contract WHERE status = 'registered' AND registered_on IS NOT NULL
GROUP BY COALESCE(town, ''), registered_on, subtype;
INSERT INTO contract_town_day_sum (town, dim, day, key, n, amount_fen, tech_fen)
SELECT COALESCE(town, ''), 'field', registered_on, field, COUNT(*), CAST(SUM(amount_fen) AS BIGINT), CAST(SUM(tech_verified_fen) AS BIGINT)
FROM contract WHERE status = 'registered' AND registered_on IS NOT NULL
GROUP BY COALESCE(town, ''), registered_on, field;
INSERT INTO contract_town_day_sum (town, dim, day, key, n, amount_fen, tech_fen)
SELECT COALESCE(town, ''), 'seller_type', registered_on, seller_type, COUNT(*), CAST(SUM(amount_fen) AS BIGINT), CAST(SUM(tech_verified_fen) AS BIGINT)
FROM contract WHERE status = 'registered' AND registered_on IS NOT NULL
GROUP BY COALESCE(town, ''), registered_on, seller_type;
INSERT INTO contract_town_day_sum (town, dim, day, key, n, amount_fen, tech_fen)
SELECT COALESCE(town, ''), 'buyer_type', registered_on, buyer_type, COUNT(*), CAST(SUM(amount_fen) AS BIGINT), CAST(SUM(tech_verified_fen) AS BIGINT)
FROM contract WHERE status = 'registered' AND registered_on IS NOT NULL
GROUP BY COALESCE(town, ''), registered_on, buyer_type;
