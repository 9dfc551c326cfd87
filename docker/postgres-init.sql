-- Run once by the postgres image on an empty data volume (docker-compose.yml): the KurrentDB-backed
-- service keeps its position index and read models in a database of its own, apart from the
-- tables of the services on the PostgreSQL store.
CREATE DATABASE stepstone_kurrentdb OWNER stepstone;
