-- A replay point the live consumer has got past is kept, marked passed, until the consumer group's committed offset
-- has got past it too: the consumer stops passing over records below it at once, but the backlog (the catch-up
-- watch's look) keeps counting them as done meanwhile. Dropped at once, the point left a window of up to the commit
-- interval in which the backlog looked as large as before the replay, and a watch that looked then replayed the
-- whole topic again.
ALTER TABLE replayed_offsets ADD COLUMN passed boolean NOT NULL DEFAULT false;
