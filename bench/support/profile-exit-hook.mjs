// Preloaded (--import) into a service run with --cpu-prof. Nest's shutdown hook closes the app on
// SIGTERM and then raises SIGTERM again to die by the signal, and a process killed by a signal
// never writes its CPU profile. This listener stays registered, so the second SIGTERM ends the
// process with a normal exit and V8 writes the profile.
let sigterms = 0;
process.on('SIGTERM', () => {
  sigterms += 1;
  if (sigterms > 1) process.exit(0);
});
