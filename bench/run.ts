/** `npm run bench`: every benchmark scenario in one go, on the emulator over loopback (issue #10). */
process.stdout.write('not yet: the benchmarks arrive with their own issue (#10)\n');
