// Helpers for the photos tests: real JPEGs with EXIF and multipart bodies (shared with the demo seed).
export { jpeg, photoForm } from './demo-images.ts';
