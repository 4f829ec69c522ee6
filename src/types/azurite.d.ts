// Azurite ships no type declarations for its in-process server; the tests use these two classes only.
declare module 'azurite/dist/src/blob/BlobConfiguration.js' {
  const BlobConfiguration: unknown;
  export default BlobConfiguration;
}
declare module 'azurite/dist/src/blob/BlobServer.js' {
  const BlobServer: unknown;
  export default BlobServer;
}
