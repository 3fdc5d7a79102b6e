/** Stylesheets are bundled by esbuild into the console's CSS file. */
declare module '*.css';
