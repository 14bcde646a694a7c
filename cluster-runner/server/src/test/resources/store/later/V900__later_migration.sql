-- A migration newer than the adopted database: applied by Flyway after the baseline.
CREATE TABLE later_migration (id INT PRIMARY KEY);
