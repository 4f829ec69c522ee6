// Runs before the Label Studio bundle. Its regenerator runtime assigns the global `regeneratorRuntime`;
// bundled as an ES module (strict mode) that assignment throws unless the global exists, and its fallback,
// `Function(...)`, is eval, which the page's Content-Security-Policy forbids. Declaring it keeps the CSP.
const scope = globalThis as { regeneratorRuntime?: unknown };
if (!('regeneratorRuntime' in scope)) scope.regeneratorRuntime = undefined;

export {};
