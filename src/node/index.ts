// tensorfold/node: the Node-only entry (file system, npm data packages). Defines nothing.
export { saveCheckpoint, loadCheckpoint } from './checkpointFile.js'
export { loadMnist } from './mnist.js'
