// A side-effect module: importing it checks the Node.js version (see index.mjs); it exports nothing.
export {};
