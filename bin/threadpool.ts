// Imported first by the CLI: libuv reads UV_THREADPOOL_SIZE once, when its pool
// starts. Every stored instance waits on a few fsyncs there; 4 threads (the
// default) would serialise them behind one another under concurrent STOW.
process.env.UV_THREADPOOL_SIZE ??= '16';
