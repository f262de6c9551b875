import { launch } from '../../startup.js';

export default await launch(() => import('../../commands/eca/prepare.js'));
