// What the fake upstream answers, shared by fake_upstream.mjs and the tests so both agree.
export const CHUNK_DELAY_MS = Number(process.env.FAKE_CHUNK_DELAY_MS ?? 60);
export const STREAM_PIECES = ['Hello', ' from', ' the', ' fake', ' upstream', '.'];
export const REPLY_TEXT = 'Hello from the fake upstream.';
export const CHAT_USAGE = { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 };
export const EMBEDDING_DIMS = 8;
