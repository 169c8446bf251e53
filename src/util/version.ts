// The product version every role logs at start-up; a test keeps it equal to package.json's.
export const VERSION = '0.1.0';
