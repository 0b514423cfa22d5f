-- Where the last rebuild stopped reading, per partition: every record below is in the event log it swapped in,
-- so the live consumer passes over such records without parsing or looking them up. Written in the swap's
-- transaction; a partition's row is dropped once the live consumer has passed it.
CREATE TABLE replayed_offsets (
    topic       text   NOT NULL,
    partition   int    NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);
